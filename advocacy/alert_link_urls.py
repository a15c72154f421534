"""`/a/<code>/`, outside i18n_patterns (``cms.urls``): an alert's short link has no language prefix."""

from django.urls import path

from advocacy.alert_link_views import alert_link_view

urlpatterns = [
    path("a/<str:code>/", alert_link_view, name="alert_short_link"),
]
