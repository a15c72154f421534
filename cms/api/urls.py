"""Everything under /api/v1/: the apps' endpoints, the schema and the docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from advocacy.api import urls as advocacy_api
from cms.api import views
from know_your_rights.api import urls as know_your_rights_api

urlpatterns = [
    path("languages/", views.LanguageList.as_view(), name="api-languages"),
    path("", include(know_your_rights_api)),
    path("", include(advocacy_api)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Both pages load their scripts as files (no inline script: the site's CSP
    # forbids it); the assets come from drf-spectacular-sidecar, not a CDN.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path(
        "docs/redoc/",
        SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html"),
        name="api-redoc",
    ),
    re_path(r"^.*$", views.NotFoundView.as_view()),
]

# JSON bodies only, size-limited, for every view above (see json_only).
views.json_only(urlpatterns)
