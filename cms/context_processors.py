"""Template context every public page needs."""

from django.conf import settings
from django.utils import translation

from core.languages import bcp47, is_rtl


def faro(request):
    language = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "html_lang": bcp47(language),
        "html_dir": "rtl" if is_rtl(language) else "ltr",
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
        "faro_fallback": getattr(request, "faro_fallback", False),
    }
