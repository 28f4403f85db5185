from django.urls import path

from bdcdj.portal.views import accounts, apply, appointments, cases, public

app_name = "portal"

urlpatterns = [
    path("", public.landing, name="landing"),
    path("login/", accounts.login, name="login"),
    path("register/", accounts.register, name="register"),
    path("logout/", accounts.logout, name="logout"),
    path("me/", accounts.me, name="me"),
    path("d/<str:region>/", public.district, name="district"),
    path("d/<str:region>/guide/", public.guide, name="guide"),
    path("d/<str:region>/guide/<str:business_type>/", public.guide_detail, name="guide_detail"),
    path("d/<str:region>/apply/", apply.choose, name="apply"),
    path("d/<str:region>/apply/<str:business_type>/", apply.form, name="apply_form"),
    path("d/<str:region>/book/", appointments.book, name="book"),
    path("appointments/", appointments.appointments, name="appointments"),
    path("appointments/<int:appointment_id>/cancel/", appointments.cancel, name="cancel"),
    path("cases/", cases.case_list, name="my_cases"),
    path("cases/<int:case_id>/", cases.case_detail, name="case"),
    path("cases/<int:case_id>/progress/", cases.progress, name="progress"),
    path("cases/<int:case_id>/upload/", cases.upload, name="upload"),
    path("cases/<int:case_id>/rate/", cases.rate, name="rate"),
    path("cases/<int:case_id>/files/<str:kind>/<int:file_id>/", cases.download, name="download"),
]
