from django.urls import path

from bdcdj.sharing import views

app_name = "sharing"

urlpatterns = [
    path("interfaces/", views.interfaces, name="interfaces"),
    path("interfaces/<int:interface_id>/test", views.interface_test_view, name="interface_test"),
    path("cases/<int:case_id>/checks", views.case_checks_panel, name="case_checks"),
    path("cases/<int:case_id>/checks/run", views.case_checks_run_view, name="case_checks_run"),
]
