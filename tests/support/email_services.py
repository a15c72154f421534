"""A local stand-in for the email services' sending APIs (Amazon SES v2,
Postmark, Mailgun, SendGrid) on 127.0.0.1, and their webhook payloads.

The server answers each API as the service documents it and records what
it received, reduced to what the tests check: recipient, subject,
List-Unsubscribe and the message's metadata. The payloads are the shapes
the services post to their tracking webhooks (as in anymail's own tests).
"""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from tests.support.network import free_port

MAILGUN_SIGNING_KEY = "mailgun-webhook-signing-key-for-tests"


@dataclass
class Sent:
    service: str
    recipient: str
    subject: str
    list_unsubscribe: str
    metadata: dict
    message_id: str


@dataclass
class ServiceServer:
    """One HTTP server playing all four services' sending APIs."""

    sent: list[Sent] = field(default_factory=list)
    port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServiceServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, answer, headers = server.answer(self.path, self.headers, body)
                payload = json.dumps(answer).encode() if answer is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def for_recipient(self, address: str) -> list[Sent]:
        return [item for item in self.sent if item.recipient == address]

    # --- The four APIs ----------------------------------------------------

    def answer(self, path: str, headers, body: bytes):
        if path.startswith("/postmark/email"):
            return self._postmark(headers, body)
        if path.startswith("/mailgun/"):
            return self._mailgun(headers, body)
        if path.startswith("/sendgrid/mail/send"):
            return self._sendgrid(headers, body)
        if path.startswith("/v2/email/outbound-emails"):
            return self._ses(headers, body)
        return 404, {"message": f"no such API: {path}"}, {}

    def _postmark(self, headers, body):
        if headers.get("X-Postmark-Server-Token") != "postmark-token":
            return 401, {"ErrorCode": 10, "Message": "bad token"}, {}
        data = json.loads(body)
        message_id = str(uuid.uuid4())
        wanted = {h["Name"]: h["Value"] for h in data.get("Headers", [])}
        self.sent.append(
            Sent(
                "postmark",
                data["To"],
                data["Subject"],
                wanted.get("List-Unsubscribe", ""),
                data.get("Metadata", {}),
                message_id,
            )
        )
        return (
            200,
            {
                "To": data["To"],
                "SubmittedAt": datetime.now(UTC).isoformat(),
                "MessageID": message_id,
                "ErrorCode": 0,
                "Message": "OK",
            },
            {},
        )

    def _mailgun(self, headers, body):
        expected = "Basic " + base64.b64encode(b"api:mailgun-key").decode()
        if headers.get("Authorization") != expected:
            return 401, {"message": "Forbidden"}, {}
        form = _multipart(headers["Content-Type"], body)
        message_id = f"<{uuid.uuid4().hex}@mg.example.org>"
        self.sent.append(
            Sent(
                "mailgun",
                form["to"],
                form["subject"],
                form.get("h:List-Unsubscribe", ""),
                {k[2:]: v for k, v in form.items() if k.startswith("v:")},
                message_id,
            )
        )
        return 200, {"id": message_id, "message": "Queued. Thank you."}, {}

    def _sendgrid(self, headers, body):
        if headers.get("Authorization") != "Bearer sendgrid-key":
            return 401, {"errors": [{"message": "bad key"}]}, {}
        data = json.loads(body)
        personalization = data["personalizations"][0]
        custom_args = {**data.get("custom_args", {}), **personalization.get("custom_args", {})}
        self.sent.append(
            Sent(
                "sendgrid",
                personalization["to"][0]["email"],
                data.get("subject") or personalization.get("subject", ""),
                data.get("headers", {}).get("List-Unsubscribe", ""),
                {k: v for k, v in custom_args.items() if k != "anymail_id"},
                custom_args.get("anymail_id", ""),
            )
        )
        return 202, None, {"X-Message-Id": uuid.uuid4().hex}

    def _ses(self, headers, body):
        if "Credential=ses-test-key/" not in headers.get("Authorization", ""):
            return 403, {"message": "bad credentials"}, {}
        data = json.loads(body)
        raw = base64.b64decode(data["Content"]["Raw"]["Data"])
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        message_id = f"0100{uuid.uuid4().hex}-000000"
        self.sent.append(
            Sent(
                "amazon_ses",
                str(parsed["To"]).strip(),
                str(parsed["Subject"]).strip(),
                str(parsed["List-Unsubscribe"] or "").strip(),
                json.loads(parsed["X-Metadata"]) if parsed["X-Metadata"] else {},
                message_id,
            )
        )
        return 200, {"MessageId": message_id}, {}


def _multipart(content_type: str, body: bytes) -> dict[str, str]:
    """A form body's text fields (the last value of each): urlencoded, or
    multipart/form-data when there are attachments."""
    if not content_type.startswith("multipart/"):
        return {name: values[-1] for name, values in parse_qs(body.decode()).items()}
    message = email.message_from_bytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body, policy=email.policy.default
    )
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if part.get_filename() is None:
            fields[name] = part.get_content()
    return fields


# --- Webhook payloads, as each service posts them ------------------------------


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def postmark_event(kind: str, sent: Sent) -> tuple[str, dict]:
    """Postmark's Bounce / SpamComplaint / Delivery webhook body."""
    common = {"MessageID": sent.message_id, "Metadata": sent.metadata, "Tag": "", "ServerID": 23}
    if kind == "delivered":
        body = {
            "RecordType": "Delivery",
            "Recipient": sent.recipient,
            "DeliveredAt": _now_iso(),
            "Details": "smtp;250 2.0.0 OK",
            "MessageStream": "outbound",
            **common,
        }
        return "application/json", body
    bounce_type, code, record = {
        "hard": ("HardBounce", 1, "Bounce"),
        "soft": ("SoftBounce", 4096, "Bounce"),
        "deferred": ("Transient", 2, "Bounce"),
        "complaint": ("SpamComplaint", 512, "SpamComplaint"),
    }[kind]
    body = {
        "RecordType": record,
        "ID": int(uuid.uuid4().int % 10**9),
        "Type": bounce_type,
        "TypeCode": code,
        "Name": bounce_type,
        "Description": "The server was unable to deliver your message.",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": sent.recipient,
        "From": "alerts@faro.example.org",
        "BouncedAt": _now_iso(),
        "DumpAvailable": False,
        "Inactive": kind != "soft",
        "CanActivate": True,
        "Subject": sent.subject,
        "MessageStream": "outbound",
        **common,
    }
    return "application/json", body


def ses_event(kind: str, sent: Sent) -> tuple[str, dict, dict]:
    """An SNS Notification carrying an SES event (event publishing), and the
    SNS headers that go with it."""
    mail = {
        "timestamp": _now_iso(),
        "source": "alerts@faro.example.org",
        "sendingAccountId": "123456789012",
        "messageId": sent.message_id,
        "destination": [sent.recipient],
        "headersTruncated": False,
        "headers": [
            {"name": "To", "value": sent.recipient},
            {"name": "X-Metadata", "value": json.dumps(sent.metadata)},
        ],
        "commonHeaders": {"to": [sent.recipient], "subject": sent.subject},
    }
    if kind in ("hard", "soft"):
        event = {
            "eventType": "Bounce",
            "bounce": {
                "bounceType": "Permanent" if kind == "hard" else "Transient",
                "bounceSubType": "General" if kind == "hard" else "MailboxFull",
                "bouncedRecipients": [
                    {
                        "emailAddress": sent.recipient,
                        "action": "failed",
                        "status": "5.1.1" if kind == "hard" else "4.2.2",
                        "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                    }
                ],
                "timestamp": _now_iso(),
                "feedbackId": uuid.uuid4().hex,
                "reportingMTA": "dsn; a8-70.smtp-out.amazonses.com",
            },
            "mail": mail,
        }
    elif kind == "complaint":
        event = {
            "eventType": "Complaint",
            "complaint": {
                "complainedRecipients": [{"emailAddress": sent.recipient}],
                "timestamp": _now_iso(),
                "feedbackId": uuid.uuid4().hex,
                "complaintFeedbackType": "abuse",
            },
            "mail": mail,
        }
    else:
        event = {
            "eventType": "Delivery",
            "delivery": {
                "timestamp": _now_iso(),
                "processingTimeMillis": 546,
                "recipients": [sent.recipient],
                "smtpResponse": "250 ok",
                "reportingMTA": "a8-70.smtp-out.amazonses.com",
            },
            "mail": mail,
        }
    sns_id = str(uuid.uuid4())
    body = {
        "Type": "Notification",
        "MessageId": sns_id,
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:faro-events",
        "Message": json.dumps(event),
        "Timestamp": _now_iso(),
        "SignatureVersion": "1",
        "Signature": "EXAMPLE",
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/cert.pem",
        "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
    }
    headers = {
        "HTTP_X_AMZ_SNS_MESSAGE_TYPE": "Notification",
        "HTTP_X_AMZ_SNS_MESSAGE_ID": sns_id,
    }
    return "text/plain; charset=UTF-8", body, headers


def mailgun_event(kind: str, sent: Sent, signing_key: str = MAILGUN_SIGNING_KEY):
    """Mailgun's JSON webhook body, signed with ``signing_key``."""
    timestamp = str(int(datetime.now(UTC).timestamp()))
    token = uuid.uuid4().hex + uuid.uuid4().hex[:18]
    signature = hmac.new(
        signing_key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256
    ).hexdigest()
    data = {
        "id": uuid.uuid4().hex[:22],
        "timestamp": float(timestamp),
        "recipient": sent.recipient,
        "message": {"headers": {"message-id": sent.message_id.strip("<>")}},
        "user-variables": sent.metadata,
        "tags": [],
    }
    if kind in ("hard", "soft", "deferred"):
        # soft: Mailgun's retries ran out ("old"); deferred: it is still retrying.
        data.update(
            event="failed",
            severity="temporary" if kind == "deferred" else "permanent",
            reason={"hard": "bounce", "soft": "old", "deferred": "generic"}[kind],
            **{
                "delivery-status": {
                    "code": 550 if kind == "hard" else 452,
                    "message": "mailbox unavailable",
                    "description": "",
                }
            },
        )
    elif kind == "complaint":
        data.update(event="complained")
    else:
        data.update(
            event="delivered",
            **{"delivery-status": {"code": 250, "message": "OK", "description": ""}},
        )
    body = {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": data,
    }
    return "application/json", body


def sendgrid_event(kind: str, sent: Sent):
    """SendGrid's event webhook body (a list of events; custom args merged in)."""
    event = {
        "email": sent.recipient,
        "timestamp": int(datetime.now(UTC).timestamp()),
        "sg_event_id": uuid.uuid4().hex,
        "sg_message_id": uuid.uuid4().hex + ".filter0001",
        "anymail_id": sent.message_id,
        "smtp-id": f"<{uuid.uuid4().hex}@faro.example.org>",
        **sent.metadata,
    }
    if kind == "hard":
        event.update(event="bounce", type="bounce", status="5.1.1", reason="550 5.1.1 unknown")
    elif kind == "soft":
        event.update(event="bounce", type="blocked", status="4.2.2", reason="452 mailbox full")
    elif kind == "deferred":
        event.update(event="deferred", response="452 4.2.2 mailbox full", attempt="1")
    elif kind == "complaint":
        event.update(event="spamreport")
    else:
        event.update(event="delivered", response="250 OK")
    return "application/json", [event]
