"""The email services' delivery-report webhooks, mounted under /anymail/.

anymail's own tracking views for Amazon SES, Postmark, Mailgun and SendGrid
(at anymail's paths, such as /anymail/postmark/tracking/), each behind HTTP
basic auth with ANYMAIL_WEBHOOK_SECRET (Mailgun's are signed too). Faro adds
two things: without a secret the webhooks answer 403 and act on nothing
(an unauthenticated report could suppress anyone); and a request failing the
check gets 401 with a Basic challenge and is counted (``RefusedCallback``).
What a report does is in ``advocacy.email_events``.
"""

from __future__ import annotations

import logging

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.webhooks.amazon_ses import AmazonSESTrackingWebhookView
from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from anymail.webhooks.sendgrid import SendGridTrackingWebhookView
from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.urls import path

from advocacy.dispatching.reports import count_refused
from advocacy.email_events import provider_name

log = logging.getLogger(__name__)


def webhooks_enabled() -> bool:
    """Whether ANYMAIL_WEBHOOK_SECRET is set (the webhooks act only then)."""
    return bool((getattr(settings, "ANYMAIL", None) or {}).get("WEBHOOK_SECRET"))


class CheckedWebhookMixin:
    """Refuse without a configured secret; a failed check is a counted 401."""

    def dispatch(self, request, *args, **kwargs):
        if not webhooks_enabled():
            return HttpResponseForbidden()
        try:
            return super().dispatch(request, *args, **kwargs)
        except AnymailWebhookValidationFailure:
            provider = provider_name(self.esp_name)
            count_refused(provider, "failed authentication")
            log.warning("%s webhook refused: failed authentication", provider)
            response = HttpResponse(status=401)
            response["WWW-Authenticate"] = 'Basic realm="Faro email webhooks"'
            return response


class AmazonSESWebhook(CheckedWebhookMixin, AmazonSESTrackingWebhookView):
    """Amazon SES reports, through an SNS topic's HTTPS subscription."""


class PostmarkWebhook(CheckedWebhookMixin, PostmarkTrackingWebhookView):
    """Postmark's delivery, bounce and spam-complaint webhooks."""


class MailgunWebhook(CheckedWebhookMixin, MailgunTrackingWebhookView):
    """Mailgun's webhooks (signed with its webhook signing key as well)."""


class SendGridWebhook(CheckedWebhookMixin, SendGridTrackingWebhookView):
    """SendGrid's event webhook."""


app_name = "anymail"
urlpatterns = [
    path(
        "amazon_ses/tracking/",
        AmazonSESWebhook.as_view(),
        name="amazon_ses_tracking_webhook",
    ),
    path("postmark/tracking/", PostmarkWebhook.as_view(), name="postmark_tracking_webhook"),
    path("mailgun/tracking/", MailgunWebhook.as_view(), name="mailgun_tracking_webhook"),
    path("sendgrid/tracking/", SendGridWebhook.as_view(), name="sendgrid_tracking_webhook"),
]
