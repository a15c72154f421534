"""Subscriber pages. ``urlpatterns`` go inside i18n_patterns (language prefix);
``unprefixed_urlpatterns`` is the one-click unsubscribe URL, which has none."""

from django.urls import path

from advocacy import views

app_name = "advocacy"

urlpatterns = [
    path("subscribe/", views.subscribe_view, name="subscribe"),
    path("subscribe/confirm/<str:token>/", views.confirm_view, name="confirm"),
    path("subscribe/phone/", views.phone_code_view, name="phone-code"),
    path("subscribe/phone/", views.phone_code_view, name="phone-code"),
    path("preferences/<str:token>/", views.preferences_view, name="preferences"),
]

unprefixed_urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="advocacy-unsubscribe"),
]
