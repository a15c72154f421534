"""Request and response middleware: URL-only language, page cache, headers.

Language from the URL alone.

Django's LocaleMiddleware also reads a language cookie; Faro carries the
language in the URL only (a cookie would follow a reader around and could be
seen by whoever looks at the device), so requests without a prefix are
negotiated from Accept-Language and nothing else.
"""

import time
from urllib.parse import urlencode

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import translation
from wagtail.views import serve as wagtail_serve

from cms import page_cache, page_frame, two_factor
from core.languages import negotiate

# Session key holding the time of sign-in (see cms.signals).
SIGNED_IN_AT_KEY = "faro_signed_in_at"


class URLLocaleMiddleware(LocaleMiddleware):
    def __call__(self, request):
        # The URL's language is this request's only: Django leaves it active on
        # the thread afterwards, where whatever runs next (a test, a job in an
        # eager Celery worker) would read its messages and dates in it.
        with translation.override(translation.get_language()):
            return super().__call__(request)

    def process_request(self, request):
        language = translation.get_language_from_path(request.path_info) or negotiate(
            request.headers.get("Accept-Language", "")
        )
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # The API has no language prefix: its 404s are answers, not pages to
        # redirect to /<lang>/... (and it varies on Accept-Language itself).
        # Nor has a guide's short link (/g/<code>/): its 404 says the code is unknown.
        if request.path_info.startswith(("/api/", "/g/")):
            return response
        return super().process_response(request, response)


class PageCacheMiddleware:
    """Serve anonymous public pages from the shared cache (see cms.page_cache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cached = page_cache.fetch(request)
        if cached is not None:
            return cached
        response = self.get_response(request)
        if page_cache.is_cacheable_request(request):
            response.setdefault("Cache-Control", f"public, max-age={settings.PUBLIC_MAX_AGE}")
            response = page_cache.store(request, response)
        return response


class PageFrameMiddleware:
    """Route a request for a Wagtail page with `cms.page_frame`: the site's home
    page and what every page shows beside itself (locales, the language
    links' root paths, the help line) in one query, where Wagtail's `serve`
    and the rendering would ask in six to eight."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is wagtail_serve:
            page_frame.prepare(request, view_args[0] if view_args else view_kwargs["path"])


class PermissionsPolicyMiddleware:
    """Deny powerful browser features Faro never uses (Django has no setting for it)."""

    POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.POLICY)
        return response


class ScopedCSPMiddleware(CSPMiddleware):
    """django-csp with two policies: strict for readers, scoped for the admin.

    The Wagtail admin still relies on inline scripts and styles (panels,
    choosers, date widgets) and frames its own preview, so `/admin/` gets its
    own policy; every public page gets the strict one, with no inline script
    or style at all, so a cached page needs no nonce.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and request.path_info.startswith("/admin/"):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        elif (
            not report_only
            and parts.config is None
            and request.path_info.startswith("/api/v1/docs/")
        ):
            # The API docs (Swagger UI, ReDoc) load their scripts as files, but
            # ReDoc injects <style> elements and both draw icons from data:
            # URLs; scripts stay 'self' only.
            parts.config = settings.API_DOCS_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts


class AdminAccessMiddleware:
    """Guard `/admin/`: second factor required, sessions capped at an absolute age,
    framing allowed only by the admin itself (for Wagtail's preview), and a
    referrer policy that lets browsers send the admin's real Origin.

    Idle expiry comes from SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST;
    the absolute cap needs the sign-in time, kept in the session at login.

    Public pages send `Referrer-Policy: no-referrer` (SECURE_REFERRER_POLICY):
    a reader's next site must not learn which guide they read. With that
    policy browsers send `Origin: null` on a form POST, which Django's CSRF
    check refuses, so admin responses carry ADMIN_REFERRER_POLICY instead
    (SecurityMiddleware only sets the header when a response has none).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        response = None
        if path.startswith("/admin/") and request.user.is_authenticated:
            response = self.gate(request, path)
        if response is None:
            response = self.get_response(request)
        if path.startswith("/admin/"):
            # Wagtail's preview frames admin pages inside the admin.
            response["X-Frame-Options"] = "SAMEORIGIN"
            response["Referrer-Policy"] = settings.ADMIN_REFERRER_POLICY
        return response

    def gate(self, request, path):
        """A redirect for a signed-in user who may not see `path` yet, else None."""
        if two_factor.is_open_admin_path(path):
            return None
        signed_in_at = request.session.get(SIGNED_IN_AT_KEY)
        if signed_in_at is None or time.time() - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS:
            logout(request)
            return redirect_to_login(path, "/admin/login/")
        if request.user.is_verified() or two_factor.is_gate_path(path):
            return None
        target = "two_factor_verify" if two_factor.is_enrolled(request.user) else "two_factor_setup"
        url = reverse(target)
        if two_factor.is_page_request(request):
            # Only a page the person navigated to becomes `next`: a script's
            # fetch or an image is never where they should land afterwards.
            url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(url)
