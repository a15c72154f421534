"""URLs: admin and API without a language prefix; every public page under /<lang>/."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from advocacy import alert_link_urls, email_webhooks, sms_urls
from advocacy import urls as advocacy_urls
from advocacy.feeds import AlertFeed
from cms import downloads, views
from cms.api import views as api_views
from know_your_rights import audio_urls, offline_views, short_link_urls
from know_your_rights import urls as know_your_rights_urls

urlpatterns = [
    # The API has no language prefix (?lang= / Accept-Language) and must come
    # before Wagtail's catch-all.
    path("api/v1/", include("cms.api.urls")),
    # Any other path under /api/ is the API's JSON 404, never a redirect to a
    # language-prefixed HTML page.
    re_path(r"^api(?:/|$)", api_views.NotFoundView.as_view()),
    path("healthz", views.healthz),
    # The offline-reading worker: at the root so its scope covers every guide.
    path("offline-sw.js", offline_views.offline_worker_view, name="offline_worker"),
    path("admin/2fa/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("admin/2fa/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("admin/2fa/cancel/", views.two_factor_cancel, name="two_factor_cancel"),
    path("admin/", include(wagtailadmin_urls)),
    # Every document downloads as an inert attachment (cms.downloads); the
    # rest of Wagtail's document URLs (password-protected collections) as is.
    # Wagtail's own pattern, so no document address reaches Wagtail's view
    # directly; its name stays Wagtail's (document.url).
    re_path(r"^documents/(\d+)/(.*)$", downloads.serve_document),
    path("documents/", include(wagtaildocs_urls)),
    # SMS gateways' delivery reports and incoming texts (advocacy.sms_views).
    path("sms/", include(sms_urls)),
    # Email services' delivery reports (bounces, complaints): POSTs from the
    # service, with basic auth; no language prefix (advocacy.email_webhooks).
    path("anymail/", include(email_webhooks)),
    # One-click unsubscribe (RFC 8058) has no language prefix.
    *advocacy_urls.unprefixed_urlpatterns,
    # Guides' short links (`/g/<code>/`, printed on flyers): the code names the language.
    path("", include(short_link_urls)),
    # Alerts' short links (`/a/<code>/`, in text messages): the code names the language.
    path("", include(alert_link_urls)),
    # Guides' audio files (range requests): the file names the guide and language.
    path("", include(audio_urls)),
]

# Under /api/ every error is the API's JSON envelope, also where no DRF view
# answers (an unexpected exception, a path under /api/ no view matches).
handler400 = "core.api.errors.bad_request"
handler403 = "core.api.errors.permission_denied"
handler404 = "core.api.errors.page_not_found"
handler500 = "core.api.errors.server_error"

if settings.DEBUG:
    # Development serves uploads itself, with the headers production's proxy
    # must add (README); never the documents folder.
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", downloads.serve_media_in_development))

# Wagtail's catch-all comes last, inside the language prefix: a bare path
# such as `/` is redirected by URLLocaleMiddleware to the negotiated language.
urlpatterns += i18n_patterns(
    path("search/", views.search_view, name="search"),
    path("alerts/feed/", AlertFeed(), name="alert_feed"),
    path("alerts/feed/<slug:area_slug>/", AlertFeed(), name="alert_feed_area"),
    path("", include(advocacy_urls)),
    # The policy tracker's pages and feed (before Wagtail's catch-all).
    path("", include(know_your_rights_urls)),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
