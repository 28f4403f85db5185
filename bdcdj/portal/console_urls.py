"""Staff pages of the portal, mounted with the console at /portal-admin/."""

from django.urls import path

from bdcdj.portal.views import staff

app_name = "portal_admin"

urlpatterns = [
    path("sms/", staff.outbox, name="sms"),
    path("appointments/", staff.attendance, name="attendance"),
    path("appointments/<int:appointment_id>/mark/", staff.mark, name="mark"),
    path("appointments/<int:appointment_id>/desk/", staff.desk, name="desk"),
    path("ratings/", staff.ratings, name="ratings"),
    path("service/", staff.service, name="service"),
    path("kiosks/", staff.kiosks, name="kiosks"),
    path("kiosks/<int:device_pk>/disable/", staff.kiosk_disable, name="kiosk_disable"),
]
