"""Request and response middleware: URL-only language, page cache, headers.

Language from the URL alone.

Django's LocaleMiddleware also reads a language cookie; Faro carries the
language in the URL only (a cookie would follow a reader around and could be
seen by whoever looks at the device), so requests without a prefix are
negotiated from Accept-Language and nothing else.
"""

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from cms import page_cache
from cms.languages import negotiate


class URLLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        language = translation.get_language_from_path(request.path_info) or negotiate(
            request.headers.get("Accept-Language", "")
        )
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


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
            page_cache.store(request, response)
        return response


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
        return parts
