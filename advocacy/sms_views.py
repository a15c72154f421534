"""The SMS gateways' callbacks: thin views over ``advocacy.sms.callbacks``.

Kannel proves itself by the secret in the path (delivery reports are GETs,
incoming texts POSTs); Twilio
posts forms signed with ``X-Twilio-Signature`` over the absolute URL (built
from SITE_URL, since a proxy may change the Host the request names). A
forged call gets 403 and is counted; everything else answers at once with
200 (a replayed or unknown one too: the gateway should not try again).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from twilio.request_validator import RequestValidator

from advocacy.sms import callbacks
from core.absolute_urls import absolute_url

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _answer(outcome: str) -> HttpResponse:
    return HttpResponse(outcome, content_type="text/plain")


def _forged(provider: str) -> HttpResponse:
    callbacks.count_refused(provider, callbacks.FORGED)
    return HttpResponseForbidden("forged", content_type="text/plain")


# never_cache: Faro's page cache must never answer a gateway in Faro's place.
@never_cache
@csrf_exempt
@require_GET
def kannel_dlr(request, secret: str) -> HttpResponse:
    """Kannel's delivery report: ``?ref=REFERENCE&status=%d&reason=%A``."""
    if not callbacks.secret_matches(secret):
        return _forged("kannel")
    status = request.GET.get("status", "")
    outcome = callbacks.record_report(
        "kannel",
        request.GET.get("ref", ""),
        status,
        callbacks.kannel_report_state(status),
        request.GET.get("reason", "")[:200],
    )
    return _answer(outcome)


@never_cache
@csrf_exempt
@require_POST
def kannel_incoming(request, secret: str) -> HttpResponse:
    """Kannel's sms-service ``post-url`` (``?id=%I``): the text is the body,
    the sender the ``X-Kannel-From`` header, so no number or text is in a
    URL (access logs). The answer is empty (the service has ``max-messages
    = 0``): replies go out through sendsms from a worker."""
    if not callbacks.secret_matches(secret):
        return _forged("kannel")
    text = callbacks.decode_kannel_text(request.body, request.encoding or "")
    callbacks.handle_incoming(
        "kannel", request.GET.get("id", ""), request.headers.get("X-Kannel-From", ""), text
    )
    return HttpResponse("", content_type="text/plain")


def _twilio_signed(request) -> bool:
    parts = urlsplit(request.get_full_path())
    url = absolute_url(parts.path) + (f"?{parts.query}" if parts.query else "")
    token = twilio_auth_token()
    return bool(token) and RequestValidator(token).validate(
        url, request.POST.dict(), request.headers.get("X-Twilio-Signature", "")
    )


def twilio_auth_token() -> str:
    """The auth token of a ``twilio://`` SMS_URL ("" with another gateway)."""
    parts = urlsplit(settings.SMS_URL)
    return parts.password or "" if parts.scheme == "twilio" else ""


@never_cache
@csrf_exempt
@require_POST
def twilio_status(request) -> HttpResponse:
    """Twilio's status callback: MessageSid, MessageStatus, ErrorCode."""
    if not _twilio_signed(request):
        return _forged("twilio")
    status = request.POST.get("MessageStatus", "")
    outcome = callbacks.record_report(
        "twilio",
        request.POST.get("MessageSid", ""),
        status,
        callbacks.twilio_report_state(status),
        f"{status} {request.POST.get('ErrorCode', '')}".strip(),
    )
    return _answer(outcome)


@never_cache
@csrf_exempt
@require_POST
def twilio_incoming(request) -> HttpResponse:
    """Twilio's incoming-message webhook: answered with empty TwiML (replies
    go out through the REST API from a worker)."""
    if not _twilio_signed(request):
        return _forged("twilio")
    callbacks.handle_incoming(
        "twilio",
        request.POST.get("MessageSid", ""),
        request.POST.get("From", ""),
        request.POST.get("Body", ""),
    )
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")
