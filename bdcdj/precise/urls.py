from django.urls import path

from bdcdj.precise import views

app_name = "precise"

urlpatterns = [
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/export.xlsx", views.task_export, name="tasks_export"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:task_id>/", views.inbox_detail, name="inbox_task"),
    path("inbox/<int:task_id>/prepare", views.inbox_prepare, name="inbox_prepare"),
    path("inbox/<int:task_id>/send", views.inbox_send, name="inbox_send"),
    path("inbox/<int:task_id>/return", views.inbox_return, name="inbox_return"),
]
