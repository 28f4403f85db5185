from django.urls import path

import bdcdj.stock.views as views

app_name = "stock"

urlpatterns = [
    path("", views.batches, name="batches"),
    path("import", views.upload, name="upload"),
    path("<int:batch_id>/", views.batch_detail, name="batch"),
    path("<int:batch_id>/progress", views.progress, name="progress"),
    path("<int:batch_id>/run/<str:job>", views.run, name="run"),
    path("<int:batch_id>/fix", views.fix, name="fix"),
    path("<int:batch_id>/confirm", views.confirm, name="confirm"),
    path("<int:batch_id>/findings", views.findings, name="findings"),
    path("<int:batch_id>/links.xlsx", views.links_export, name="links_export"),
    path("<int:batch_id>/quality.xlsx", views.quality_export, name="quality_export"),
    path("<int:batch_id>/issues.xlsx", views.issues_export, name="issues_export"),
]
