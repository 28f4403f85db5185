from django.urls import path

from bdcdj.query import views

app_name = "query"

urlpatterns = [
    path("", views.public, name="public"),
    path("mine/", views.mine, name="mine"),
    path("proofs/", views.proofs, name="proofs"),
    path("proofs/<int:proof_id>/pdf", views.proof_pdf, name="proof_pdf"),
    path("shipments/", views.shipments, name="shipments"),
    path("shipments/<int:shipment_id>/", views.shipment, name="shipment"),
]
