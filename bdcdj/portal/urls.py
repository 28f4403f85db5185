from django.urls import path

from bdcdj.portal.views import accounts, apply, appointments, cases, kiosk, public

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
    path("cases/<int:case_id>/collection-code/", cases.collection_code, name="collection_code"),
    path("kiosk/", kiosk.start, name="kiosk"),
    path("kiosk/activate/", kiosk.activate, name="kiosk_activate"),
    path("kiosk/end/", kiosk.end, name="kiosk_end"),
    path("kiosk/ping/", kiosk.ping, name="kiosk_ping"),
    path("kiosk/identify/", kiosk.identify, name="kiosk_identify"),
    path("kiosk/query/", kiosk.query, name="kiosk_query"),
    path("kiosk/print/", kiosk.print_proof, name="kiosk_print_proof"),
    path("kiosk/print/<int:proof_id>/", kiosk.print_page, name="kiosk_print"),
    path("kiosk/print/<int:proof_id>/pdf/", kiosk.print_pdf, name="kiosk_print_pdf"),
    path("kiosk/collect/", kiosk.collect, name="kiosk_collect"),
    path("kiosk/rate/", kiosk.rate, name="kiosk_rate"),
]
