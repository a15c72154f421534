"""Security headers: the content security policies (public pages, the admin,
the API docs), the referrer, opener and framing policies, the Wagtail
settings that would otherwise reach other hosts, and no autosave in the
editor (it would void approvals). Read into base.py."""

# Public pages: no inline script or style at all, nothing from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
    }
}
# The Wagtail admin needs inline script and style and frames its own preview.
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
    }
}
# The API docs pages (/api/v1/docs/): ReDoc injects <style> elements and both
# docs UIs draw icons from data: URLs; scripts stay 'self' (files only).
API_DOCS_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "worker-src": ["'self'", "blob:"],
    }
}
# Public pages tell no other site which page a reader came from.
SECURE_REFERRER_POLICY = "no-referrer"
# The admin (cms.middleware.AdminAccessMiddleware) sends its own policy: with
# "no-referrer" browsers send `Origin: null` on form POSTs, which Django's CSRF
# check refuses; "same-origin" sends the real Origin to Faro itself only.
ADMIN_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Nothing may frame Faro, except the admin framing its own preview
# (AdminAccessMiddleware answers SAMEORIGIN under /admin/).
X_FRAME_OPTIONS = "DENY"
# Wagtail would fetch editors' avatars from gravatar.com.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# ...and a superuser's dashboard would ask releases.wagtail.org for the latest
# version (the admin's CSP refuses it; upgrades follow requirements.lock).
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No autosave in the editor: an autosave fired while a Moderator approves an
# alert saves a new revision as theirs, which makes them one of its authors
# and voids their approval (alerts need approvals by people who did not write
# the version under review). Editors save drafts explicitly.
WAGTAIL_AUTOSAVE_INTERVAL = 0
