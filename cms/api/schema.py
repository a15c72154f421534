"""Schema post-processing: every operation documents its error answers.

The error envelope, 304 for conditional reads, 413/415/429 for writes and
401 for token-protected operations are the same everywhere, so they are
added here once instead of on each view.
"""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {
                    "type": "string",
                    "description": "A stable machine-readable code, e.g. `invalid`, "
                    "`unsupported_language`, `not_found`, `throttled`, `token_expired`.",
                },
                "message": {"type": "string", "description": "A sentence for a developer."},
                "fields": {
                    "type": "object",
                    "description": "Field or query parameter → messages; empty if none.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
                "supported_languages": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "With `unsupported_language`: the codes `?lang=` accepts.",
                },
            },
        }
    },
}

_ERRORS = {
    "400": "Invalid input: a bad query parameter or body field (named in `fields`), an "
    "unsupported `lang`, malformed JSON or invalid UTF-8.",
    "404": "Nothing published at this address.",
    "405": "Method not allowed here.",
    "406": "The Accept header asks for something other than JSON.",
}
_WRITE_ERRORS = {
    "413": "The request body is too large.",
    "415": "The body is not `application/json`.",
    "429": "Too many requests from this client or for this email address; see Retry-After.",
}
_TOKEN_ERRORS = {
    "401": "Missing, tampered, expired or unknown token (`code` says which).",
}
_CONDITIONAL_HEADERS = {
    "ETag": {"schema": {"type": "string"}, "description": "Changes when the answer changes."},
    "Last-Modified": {"schema": {"type": "string"}, "description": "HTTP date."},
}


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def add_error_responses(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            errors = dict(_ERRORS)
            if method != "get":
                errors.update(_WRITE_ERRORS)
            if operation.get("security") and any(
                "subscriberToken" in s for s in operation["security"]
            ):
                errors.update(_TOKEN_ERRORS)
            for status, description in errors.items():
                responses.setdefault(status, _error(description))
            if method == "get" and not path.startswith("/api/v1/subscriptions/"):
                responses.setdefault(
                    "304",
                    {
                        "description": "Not modified (If-None-Match / If-Modified-Since matched).",
                        "headers": _CONDITIONAL_HEADERS,
                    },
                )
                if "200" in responses:
                    responses["200"].setdefault("headers", {}).update(_CONDITIONAL_HEADERS)
    return result


def only_public_api(endpoints):
    """drf-spectacular PREPROCESSING_HOOKS entry: /api/v1/ only, not the admin's APIs."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
