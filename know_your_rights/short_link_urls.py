"""`/g/<code>/`, outside i18n_patterns (``cms.urls``): a short link has no language prefix."""

from django.urls import path

from know_your_rights.short_link_views import short_link_view

urlpatterns = [
    path("g/<str:code>/", short_link_view, name="short_link"),
]
