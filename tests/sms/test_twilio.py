"""Twilio: the REST call against a local server playing Twilio's Messages
API (the request's shape checked), its errors sorted, and Twilio's signed
callbacks (status and incoming) checked with its own RequestValidator."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from django.utils import timezone
from twilio.request_validator import RequestValidator

from advocacy.crypto import phone_hash
from advocacy.models import Delivery, Dispatch, RefusedCallback, StoppedNumber
from advocacy.sms.backends import PERMANENT, SENT, TEMPORARY, TwilioBackend, backend_from_url
from core.absolute_urls import absolute_url
from tests.factories.advocacy import SubscriberFactory
from tests.support.network import free_port

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-twilio-auth-token"
FROM = "+12125550100"
TO = "+12125550181"
# Numbers the fake API answers with Twilio's errors.
INVALID = "+12125550182"  # 400, code 21211
BUSY = "+12125550183"  # 503
LIMITED = "+12125550184"  # 429


class FakeTwilio(BaseHTTPRequestHandler):
    """Twilio's ``POST /2010-04-01/Accounts/{sid}/Messages.json``, recording each request."""

    requests: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        self.requests.append(
            {"path": self.path, "form": form, "authorization": self.headers["Authorization"]}
        )
        to = form.get("To")
        if to == INVALID:
            self._answer(
                400, {"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400}
            )
        elif to == BUSY:
            self._answer(503, {"code": 20503, "message": "Service unavailable", "status": 503})
        elif to == LIMITED:
            self._answer(429, {"code": 20429, "message": "Too many requests", "status": 429})
        else:
            sid = "SM" + uuid.uuid4().hex
            self._answer(
                201,
                {
                    "sid": sid,
                    "account_sid": ACCOUNT_SID,
                    "to": to,
                    "from": form.get("From"),
                    "body": form.get("Body"),
                    "status": "queued",
                },
            )

    def _answer(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def twilio_api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTwilio)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def twilio_settings(settings):
    settings.SMS_URL = f"twilio://{ACCOUNT_SID}:{AUTH_TOKEN}@"
    settings.SMS_FROM = FROM
    return settings


def test_a_text_is_posted_to_twilio_with_its_status_callback(twilio_api, twilio_settings):
    FakeTwilio.requests.clear()
    backend = TwilioBackend(ACCOUNT_SID, AUTH_TOKEN, api_base_url=twilio_api)
    outcome = backend.send(TO, "Alerta: ¿qué hacer?", reference="42")
    assert outcome.kind == SENT and outcome.message_id.startswith("SM")

    (request,) = FakeTwilio.requests
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request["form"] == {
        "To": TO,
        "From": FROM,
        "Body": "Alerta: ¿qué hacer?",
        "StatusCallback": absolute_url(reverse("sms_twilio_status")),
    }
    expected = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    assert request["authorization"] == f"Basic {expected}"


@pytest.mark.parametrize(
    ("number", "kind"), [(INVALID, PERMANENT), (BUSY, TEMPORARY), (LIMITED, TEMPORARY)]
)
def test_twilio_errors_are_sorted(twilio_api, twilio_settings, number, kind):
    outcome = TwilioBackend(ACCOUNT_SID, AUTH_TOKEN, api_base_url=twilio_api).send(number, "x")
    assert outcome.kind == kind
    assert outcome.message_id == ""


def test_twilio_unreachable_is_temporary(twilio_settings):
    backend = TwilioBackend(ACCOUNT_SID, AUTH_TOKEN, api_base_url=f"http://127.0.0.1:{free_port()}")
    assert backend.send(TO, "x").kind == TEMPORARY


def test_sms_url_names_the_twilio_account(twilio_settings):
    backend = backend_from_url(twilio_settings.SMS_URL)
    assert isinstance(backend, TwilioBackend)
    assert (backend.client.username, backend.client.password) == (ACCOUNT_SID, AUTH_TOKEN)


# Callbacks, signed as Twilio signs them.


def signed_post(client, name, params, token=AUTH_TOKEN):
    path = reverse(name)
    signature = RequestValidator(token).compute_signature(absolute_url(path), params)
    return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


def forged_count() -> int:
    row = RefusedCallback.objects.filter(
        day=timezone.localdate(), provider="twilio", reason="forged"
    ).first()
    return row.count if row else 0


def twilio_sent_text(sid: str) -> Delivery:
    subscriber = SubscriberFactory.build(email=None)
    subscriber.phone = TO
    subscriber.phone_confirmed_at = timezone.now()
    subscriber.save()
    dispatch = Dispatch.objects.create(
        alert_title="test-twilio",
        status=Dispatch.Status.RUNNING,
        prepared=True,
        total=1,
        sms_total=1,
        sent_count=1,
        sms_sent_count=1,
    )
    return Delivery.objects.create(
        dispatch=dispatch,
        subscriber=subscriber,
        channel=Delivery.Channel.SMS,
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
        provider_message_id=sid,
    )


@pytest.mark.django_db
def test_a_signed_status_callback_marks_the_text_delivered_once(client, twilio_settings):
    delivery = twilio_sent_text("SM" + "1" * 32)
    params = {
        "MessageSid": delivery.provider_message_id,
        "MessageStatus": "delivered",
        "AccountSid": ACCOUNT_SID,
        "To": TO,
        "From": FROM,
    }
    assert signed_post(client, "sms_twilio_status", params).status_code == 200
    assert signed_post(client, "sms_twilio_status", params).status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert Dispatch.objects.get(pk=delivery.dispatch_id).sms_delivered_count == 1


@pytest.mark.django_db
def test_a_badly_signed_callback_is_refused_counted_and_changes_nothing(client, twilio_settings):
    delivery = twilio_sent_text("SM" + "2" * 32)
    forged = forged_count()
    params = {
        "MessageSid": delivery.provider_message_id,
        "MessageStatus": "failed",
        "ErrorCode": "30003",
    }
    # Signed with another token; then a valid signature over other parameters.
    assert signed_post(client, "sms_twilio_status", params, token="wrong").status_code == 403
    path = reverse("sms_twilio_status")
    signature = RequestValidator(AUTH_TOKEN).compute_signature(absolute_url(path), {})
    assert client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature).status_code == 403
    assert client.post(path, params).status_code == 403
    incoming = {"MessageSid": "SM" + "3" * 32, "From": TO, "Body": "STOP"}
    assert signed_post(client, "sms_twilio_incoming", incoming, token="wrong").status_code == 403

    assert forged_count() == forged + 4
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert not StoppedNumber.objects.filter(phone_hash=phone_hash(TO)).exists()


@pytest.mark.django_db
def test_a_signed_failure_report_moves_the_text_to_failed(client, twilio_settings):
    delivery = twilio_sent_text("SM" + "4" * 32)
    params = {
        "MessageSid": delivery.provider_message_id,
        "MessageStatus": "undelivered",
        "ErrorCode": "30003",
    }
    assert signed_post(client, "sms_twilio_status", params).status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and "30003" in delivery.last_error
    dispatch = Dispatch.objects.get(pk=delivery.dispatch_id)
    assert (dispatch.sms_sent_count, dispatch.sms_failed_count) == (0, 1)


@pytest.mark.django_db
def test_a_signed_incoming_stop_stops_the_number(client, twilio_settings):
    params = {
        "MessageSid": "SM" + "5" * 32,
        "From": "+12125550185",
        "To": FROM,
        "Body": "Ｓｔｏｐ",
        "AccountSid": ACCOUNT_SID,
    }
    response = signed_post(client, "sms_twilio_incoming", params)
    assert response.status_code == 200
    assert b"<Response></Response>" in response.content  # Twilio itself sends nothing
    assert StoppedNumber.objects.filter(phone_hash=phone_hash("+12125550185")).exists()
