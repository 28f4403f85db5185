from django.urls import path

from bdcdj.recognition import views

app_name = "recognition"

urlpatterns = [
    path("cases/<int:case_id>/", views.case_panel, name="case_panel"),
    path("cases/<int:case_id>/run", views.case_run, name="case_run"),
    path("cases/<int:case_id>/opinion", views.case_opinion, name="case_opinion"),
]
