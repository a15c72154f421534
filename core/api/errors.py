"""One error shape for every API error: ``{"error": {"code", "message", "fields"}}``.

Configured as REST_FRAMEWORK["EXCEPTION_HANDLER"] for what DRF views raise,
and as Django's handler400/403/404/500 (cms.urls) for what happens outside
them (an unexpected exception, a path no view answers), which under /api/
answer the same envelope in JSON and elsewhere Django's usual pages. ``fields`` maps a field
(or query parameter) name to its messages and is empty when the error is not
about a field. An exception may carry ``error_code`` (a stable machine code
that overrides DRF's) and ``extra`` (more keys for the envelope, e.g. the
supported languages).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _flatten(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _flatten(value)]
    return [str(detail)]


def _fields(detail) -> dict[str, list[str]]:
    """Field name → messages; nested serializer errors are flattened per top field."""
    if isinstance(detail, dict):
        return {str(name): _flatten(value) for name, value in detail.items()}
    return {}


def envelope(code: str, message: str, fields: dict | None = None, **extra) -> dict:
    """The JSON body of an error response."""
    return {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}


def exception_handler(exc, context):
    """DRF's handler, then the body rewritten into the error envelope."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    fields = _fields(detail)
    code = getattr(exc, "error_code", None)
    if isinstance(exc, exceptions.ValidationError):
        code = code or "invalid"
        messages = _flatten(detail)
        if len(fields) == 1 and "non_field_errors" not in fields:
            name, field_messages = next(iter(fields.items()))
            message = f"{name}: {' '.join(field_messages)}"
        elif fields and set(fields) != {"non_field_errors"}:
            message = "Some fields are not valid: " + ", ".join(sorted(fields)) + "."
        else:
            message = messages[0] if messages else "The request is not valid."
            fields = {}
    else:
        code = code or getattr(exc, "default_code", "error")
        message = " ".join(_flatten(detail)) or str(getattr(exc, "default_detail", ""))
        fields = {}
    response.data = envelope(code, message, fields, **getattr(exc, "extra", {}))
    return response


# --- Django's error handlers (cms.urls) ------------------------------------

API_PREFIX = "/api/"


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _json_error(status_code: int, code: str, message: str) -> JsonResponse:
    response = JsonResponse(envelope(code, message), status=status_code)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception, template_name="400.html"):
    """handler400: the envelope under /api/, Django's page elsewhere."""
    if _is_api(request):
        return _json_error(400, "bad_request", "The request is not valid.")
    return defaults.bad_request(request, exception, template_name)


def permission_denied(request, exception, template_name="403.html"):
    """handler403: the envelope under /api/, Django's page elsewhere."""
    if _is_api(request):
        return _json_error(
            403, "permission_denied", "You do not have permission to perform this action."
        )
    return defaults.permission_denied(request, exception, template_name)


def page_not_found(request, exception, template_name="404.html"):
    """handler404: the envelope under /api/, Django's page elsewhere."""
    if _is_api(request):
        return _json_error(404, "not_found", "No API endpoint at this address. See /api/v1/docs/.")
    return defaults.page_not_found(request, exception, template_name)


def server_error(request, template_name="500.html"):
    """handler500: the envelope under /api/ (no detail of what failed), Django's page elsewhere."""
    if _is_api(request):
        return _json_error(
            500, "server_error", "Something went wrong on our side. Please try again later."
        )
    return defaults.server_error(request, template_name)
