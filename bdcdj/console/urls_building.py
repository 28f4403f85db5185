"""楼盘表 pages: building search, the 2D table, the 3D view and household planning."""

from django.urls import path

from bdcdj.console import views_building as views

app_name = "buildings"

urlpatterns = [
    path("", views.building_list, name="list"),
    path("<str:code>/", views.building_detail, name="detail"),
    path("<str:code>/3d/", views.building_3d, name="view3d"),
    path("<str:code>/export.xlsx", views.building_export, name="export"),
    path("<str:code>/plan/", views.building_plan, name="plan"),
]
