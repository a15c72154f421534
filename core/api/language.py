"""Which language an API request asks for, and which version of a thing answers it.

Languages come from ``core.languages``; Accept-Language has already been
negotiated into the active language by the locale middleware (API paths carry
no language prefix). Every app's API uses these.
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.utils import translation
from rest_framework.exceptions import ValidationError
from wagtail.models import Locale

from core.languages import codes as supported_codes


class UnsupportedLanguage(ValidationError):
    """`?lang=` names a language Faro does not publish in: a 400 listing the ones it does."""

    error_code = "unsupported_language"

    def __init__(self, requested: str):
        codes = supported_codes()
        super().__init__(
            {
                "lang": [
                    f"{requested!r} is not a supported language. Use one of: {', '.join(codes)}."
                ]
            }
        )
        self.extra = {"supported_languages": codes}


def requested_language(request) -> str:
    """`?lang=` if given (case-insensitive), else the Accept-Language choice, else the default."""
    raw = request.query_params.get("lang")
    codes = supported_codes()
    if raw is not None:
        code = raw.strip().lower()
        if code not in codes:
            raise UnsupportedLanguage(raw)
        return code
    active = translation.get_language()
    return active if active in codes else settings.LANGUAGE_CODE


def locale_codes() -> dict[int, str]:
    """Locale id → language code (one query; a dozen rows)."""
    return dict(Locale.objects.values_list("pk", "language_code"))


def locale_ids(codes: dict[int, str]) -> dict[str, int]:
    """Language code → locale id, the inverse of ``locale_codes()``."""
    return {code: pk for pk, code in codes.items()}


def choose_versions(rows, language_id: int | None, default_id: int | None) -> list:
    """One row per translation_key: the requested language, else the default
    language, else the first one found. ``rows`` are (pk, translation_key,
    locale_id, …) tuples in display order; the order of first appearance of
    each key is kept."""
    by_key: dict = {}
    order: list = []
    for row in rows:
        key = row[1]
        if key not in by_key:
            order.append(key)
            by_key[key] = row
            continue
        current = by_key[key]
        rank = _rank(row[2], language_id, default_id)
        if rank < _rank(current[2], language_id, default_id):
            by_key[key] = row
    return [by_key[key] for key in order]


def _rank(locale_id, language_id, default_id) -> int:
    if locale_id == language_id:
        return 0
    if locale_id == default_id:
        return 1
    return 2


def in_language(code: str | None):
    """Activate `code` for what is rendered inside (labels, dates); nothing if None.

    API paths carry no language prefix, so `?lang=` is never activated by the
    locale middleware: serializers use this to answer in the language asked for.
    """
    return translation.override(code) if code else contextlib.nullcontext()


def versions_in_language(model, objects, language_id: int | None, default_id: int | None) -> dict:
    """obj.pk → the same thing in the requested language, else in the default
    language, else `obj` itself; one query for all of `objects`."""
    objects = list(objects)
    if not objects:
        return {}
    wanted = {pk for pk in (language_id, default_id) if pk is not None}
    rows = model.objects.filter(
        translation_key__in={obj.translation_key for obj in objects}, locale_id__in=wanted
    )
    by_key = {(row.translation_key, row.locale_id): row for row in rows}
    return {
        obj.pk: by_key.get((obj.translation_key, language_id))
        or by_key.get((obj.translation_key, default_id))
        or obj
        for obj in objects
    }
