"""cms.settings.production for the browser test behind the TLS proxy stand-in.

Everything signing in touches (hosts, SITE_URL, proxy header, secure cookies,
CSRF, sessions, lockout in Redis, security headers) is production's own. One
thing differs: static files are served from the apps' folders, because the
production storage needs `collectstatic` first, minutes of compressing every
admin asset, and it is not what this test is about.
"""

from cms.settings.production import *  # noqa: F403
from cms.settings.production import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
