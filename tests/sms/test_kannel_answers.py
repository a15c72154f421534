"""How KannelBackend reads sendsms's answers, from a local server answering
as smsbox does: accepted, refused, failing, unreachable or hanging."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from advocacy.sms import backends
from advocacy.sms.backends import PERMANENT, SENT, TEMPORARY, KannelBackend
from tests.support.network import free_port

HANG_SECONDS = 5


class FakeSmsbox(BaseHTTPRequestHandler):
    """``/cgi-bin/sendsms``: the status to answer is the ``to`` number's last three digits."""

    queries: list[dict] = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        self.queries.append(query)
        status = int(query["to"][-3:])
        if status == 999:
            time.sleep(HANG_SECONDS)
            status = 202
        body = {202: b"0: Accepted for delivery", 403: b"Authorization failed for sendsms"}.get(
            status, b"Sending failed."
        )
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def smsbox():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSmsbox)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def kannel(smsbox, settings):
    settings.SMS_FROM = "+12125550100"
    settings.SITE_URL = "https://faro.example.org"
    FakeSmsbox.queries.clear()
    return KannelBackend("127.0.0.1", smsbox, "faro", "pw")


@pytest.mark.parametrize(
    ("number", "kind"),
    [("+12125550202", SENT), ("+12125550403", PERMANENT), ("+12125550503", TEMPORARY)],
)
def test_answers_are_sorted(kannel, number, kind):
    outcome = kannel.send(number, "hello", reference="77")
    assert outcome.kind == kind
    assert outcome.message_id == ("77" if kind == SENT else "")


def test_the_request_carries_sender_charset_and_delivery_report_url(kannel, settings):
    kannel.send("+12125550202", "hello", reference="77")
    kannel.send("+12125550202", "¿Qué? 你好", reference="78")
    kannel.send("+12125550202", "a reply")
    gsm, ucs2, reply = FakeSmsbox.queries
    assert gsm["from"] == "+12125550100" and gsm["charset"] == "UTF-8"
    assert gsm["username"] == "faro" and gsm["password"] == "pw"
    assert "coding" not in gsm and ucs2["coding"] == "2" and ucs2["text"] == "¿Qué? 你好"
    assert gsm["dlr-mask"] == "31"
    assert gsm["dlr-url"] == (
        f"https://faro.example.org/sms/kannel/{settings.SMS_CALLBACK_SECRET}/dlr/"
        "?ref=77&status=%d&reason=%A"
    )
    assert "dlr-url" not in reply  # a reply asks for no report


def test_a_gateway_refusing_connections_is_temporary(settings):
    backend = KannelBackend("127.0.0.1", free_port(), "faro", "pw")
    assert backend.send("+12125550202", "hello").kind == TEMPORARY


def test_a_hanging_gateway_times_out_as_temporary(kannel, monkeypatch):
    monkeypatch.setattr(backends, "READ_TIMEOUT", 1)
    assert kannel.send("+12125550999", "hello").kind == TEMPORARY
