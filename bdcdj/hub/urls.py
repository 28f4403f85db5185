from django.urls import path

from bdcdj.hub import views

app_name = "hub"

urlpatterns = [
    path("messages/", views.message_list, name="messages"),
    path("messages/export.xlsx", views.message_export, name="messages_export"),
    path("messages/<int:message_id>/", views.message_detail, name="message"),
    path("clearance/", views.clearance_list, name="clearance"),
    path("nodes/", views.node_list, name="nodes"),
    path("nodes/<str:region_code>/active", views.node_toggle, name="node_toggle"),
]
