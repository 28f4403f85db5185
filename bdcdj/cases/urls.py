from django.urls import path

from bdcdj.cases.views import actions, case_page, intake, queue, workflows

app_name = "cases"

urlpatterns = [
    path("", queue.queue, name="queue"),
    path("export.xlsx", queue.queue_export, name="queue_export"),
    path("sla/", queue.sla_dashboard, name="sla"),
    path("sla/export.xlsx", queue.sla_export, name="sla_export"),
    path("new/", intake.new_case, name="new"),
    path("new-combined/", intake.new_combined, name="new_combined"),
    path("<int:case_id>/", case_page.case_page, name="case"),
    path("<int:case_id>/materials/", case_page.material_upload, name="material_upload"),
    path("<int:case_id>/files/<str:kind>/<int:file_id>/", case_page.file_download, name="file"),
    path("<int:case_id>/opinion-template/", case_page.opinion_template, name="opinion_template"),
    path("<int:case_id>/do/<str:action>/", actions.case_action, name="action"),
    path("workflows/", workflows.workflow_list, name="workflows"),
    path("workflows/export.xlsx", workflows.workflow_export, name="workflows_export"),
    path("workflows/<str:region>/<str:code>/", workflows.workflow_edit, name="workflow_edit"),
    path("workflows/<str:region>/<str:code>/preview/", workflows.workflow_preview, name="workflow_preview"),
    path("workflows/<str:region>/<str:code>/history/", workflows.workflow_history, name="workflow_history"),
]
