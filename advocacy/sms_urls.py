"""The SMS gateways' callback URLs, included under ``/sms/`` with no language prefix."""

from django.urls import path

from advocacy import sms_views

urlpatterns = [
    path("kannel/<str:secret>/dlr/", sms_views.kannel_dlr, name="sms_kannel_dlr"),
    path("kannel/<str:secret>/incoming/", sms_views.kannel_incoming, name="sms_kannel_incoming"),
    path("twilio/status/", sms_views.twilio_status, name="sms_twilio_status"),
    path("twilio/incoming/", sms_views.twilio_incoming, name="sms_twilio_incoming"),
]
