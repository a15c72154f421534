"""JSON bodies only, read with a hard size limit and strict UTF-8.

DRF's JSONParser reads the request stream without Django's
DATA_UPLOAD_MAX_MEMORY_SIZE check (that only guards `request.body`), so a
huge body would be read whole into memory; this parser stops at
API_MAX_BODY_BYTES and answers 413.
"""

from __future__ import annotations

import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from cms.api.errors import PayloadTooLarge


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


class LimitedJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        if request is not None:
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > limit:
                raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError("The request body is not valid UTF-8.") from None
        try:
            return json.loads(text, parse_constant=_reject_constant)
        except ValueError as exc:
            raise ParseError(f"The request body is not valid JSON: {exc}") from None
