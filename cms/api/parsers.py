"""JSON bodies only, read with a hard size limit and strict UTF-8.

DRF's JSONParser reads the request stream without Django's
DATA_UPLOAD_MAX_MEMORY_SIZE check (that only guards `request.body`), so a
huge body would be read whole into memory; this parser stops at
API_MAX_BODY_BYTES and answers 413.

Nesting is limited too: Python's json module recurses once per level, so
16 KB of ``[[[[...`` would end in a RecursionError (a 500). No API body
nests more than a few levels; deeper ones answer 400 before being parsed.
"""

from __future__ import annotations

import json
import re

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from core.api.errors import PayloadTooLarge


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


# JSON string literals, whose brackets do not nest anything.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


class LimitedJSONParser(BaseParser):
    media_type = "application/json"
    # Deeper than any API body (an object holding a list is two levels) and
    # far below Python's recursion limit.
    max_depth = 32

    @staticmethod
    def nesting_depth(text: str) -> int:
        """How deeply arrays and objects nest in ``text``, counted without recursion."""
        depth = deepest = 0
        for character in _JSON_STRING.sub("", text):
            if character in "[{":
                depth += 1
                deepest = max(deepest, depth)
            elif character in "]}":
                depth -= 1
        return deepest

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
        if self.nesting_depth(text) > self.max_depth:
            raise ParseError(
                f"The request body nests arrays or objects more than {self.max_depth} deep."
            )
        try:
            return json.loads(text, parse_constant=_reject_constant)
        except ValueError as exc:
            raise ParseError(f"The request body is not valid JSON: {exc}") from None
        except RecursionError:
            # Unreachable after the depth check; kept so no body can ever be a 500.
            raise ParseError("The request body nests too deeply.") from None
