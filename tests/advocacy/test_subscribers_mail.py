"""Every email carries one-click unsubscribe headers; header injection sends nothing."""

import re

import pytest
from django.core import mail

from advocacy.mail import HeaderInjectionError, build_email
from advocacy.tokens import UNSUBSCRIBE, read_token
from tests.factories.advocacy import make_subscriber

pytestmark = pytest.mark.django_db


def test_list_unsubscribe_headers(settings):
    subscriber = make_subscriber("ana@example.org")
    build_email(subscriber, "Alert", "text", "<p>html</p>").send()
    [sent] = mail.outbox
    message = sent.message()
    unsubscribe = message["List-Unsubscribe"].replace("\n", "").replace("\r", "")
    match = re.fullmatch(r"\s*<(.+)>\s*", unsubscribe)
    assert match, unsubscribe
    url = match.group(1).strip()
    assert url.startswith(f"{settings.SITE_URL}/unsubscribe/")
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert read_token(token, UNSUBSCRIBE) == subscriber
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith(">")
    assert sent.to == ["ana@example.org"]
    assert sent.alternatives[0][1] == "text/html"


def test_given_message_id_is_kept():
    subscriber = make_subscriber("ana@example.org")
    message = build_email(subscriber, "Alert", "text", message_id="dispatch-3.s-9@faro.test")
    assert message.message()["Message-ID"] == "<dispatch-3.s-9@faro.test>"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"subject": "Alert\r\nBcc: victim@example.org"},
        {"subject": "Alert\nX-Evil: 1"},
        {"message_id": "<a@b>\r\nBcc: x@example.org"},
        {"headers": {"X-Dispatch": "1\r\nBcc: x@example.org"}},
        {"from_email": "Faro <a@b.org>\nBcc: x@example.org"},
        {"to": "a@example.org\r\nBcc: x@example.org"},
    ],
)
def test_line_breaks_in_any_header_send_nothing(kwargs):
    subscriber = make_subscriber("ana@example.org")
    arguments = {"subject": "Alert", "text_body": "text", **kwargs}
    with pytest.raises(HeaderInjectionError):
        build_email(subscriber, **arguments).send()
    assert mail.outbox == []
