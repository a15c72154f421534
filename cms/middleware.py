"""Language from the URL alone.

Django's LocaleMiddleware also reads a language cookie; Faro carries the
language in the URL only (a cookie would follow a reader around and could be
seen by whoever looks at the device), so requests without a prefix are
negotiated from Accept-Language and nothing else.
"""

from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from cms.languages import negotiate


class URLLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        language = translation.get_language_from_path(request.path_info) or negotiate(
            request.headers.get("Accept-Language", "")
        )
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
