"""Per-recipient values (address, links, Message-ID) go only where Faro's own
templates put them, never inside what an author wrote; "Send me a test" is the
message a subscriber gets. Checked on the messages a real SMTP server received."""

from __future__ import annotations

import re

import pytest

from advocacy import tokens
from advocacy.dispatching import ledger, moderator_copy, preparing, sender
from tests.factories.advocacy import make_subscribers, publish_alert
from tests.support.smtp import SMTPServer

pytestmark = pytest.mark.django_db

# A link planted in an alert body, made of the placeholders the renderer used
# to substitute all through a message.
PLANTED_LINK = (
    "https://collector.example/c?to=recipient@faro-placeholder.invalid"
    "&u=FARO-UNSUBSCRIBE-URL-7f3a&p=FARO-PREFERENCES-URL-7f3a"
    "&m=faro-message-id@faro-placeholder.invalid"
)


@pytest.fixture
def smtp(settings):
    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.ALERT_SEND_RATE = 0
    yield server.handler
    server.stop()


def send_now(alert):
    dispatch = ledger.create_dispatch(alert)
    preparing.prepare(dispatch.pk, sliced=False)
    sender.run_sender(dispatch.pk, budget=20)
    return dispatch


def token_owner(url: str) -> str:
    """The signed payload of a token URL (who it is for), without its timestamp."""
    return url.rstrip("/").rsplit("/", 1)[1].split(":")[0]


def signed_for(text: str, prefix: str) -> list[str]:
    """The owners of every ``prefix`` token link in ``text``."""
    return [token_owner(url) for url in re.findall(rf"https?://\S+?{prefix}\S+?/(?=\s|$)", text)]


def bodies(received) -> tuple[str, str]:
    message = received.message
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def planted_alert():
    body = (
        f"<p>Write to recipient@faro-placeholder.invalid or FARO-PREFERENCES-URL-7f3a. "
        f'<a href="{PLANTED_LINK.replace("&", "&amp;")}">Details</a></p>'
    )
    return publish_alert("Checkpoint on 4th Avenue", body=body)


def test_placeholders_in_an_alert_body_do_not_carry_the_recipients_values(smtp):
    readers = make_subscribers(2, "reader", languages=("en",))
    alert = planted_alert()

    send_now(alert)

    received = smtp.by_recipient()
    assert sorted(received) == sorted(r.email for r in readers)
    for reader in readers:
        [message] = received[reader.email]
        text, html = bodies(message)
        links = re.findall(r'href="([^"]+)"', html)
        planted = [link for link in links if link.startswith("https://collector.example/")]
        assert [link.replace("&amp;", "&") for link in planted] == [PLANTED_LINK]
        for content in (text, html):
            assert reader.email not in content
            assert "Write to recipient@faro-placeholder.invalid or FARO-PREFERENCES-URL-7f3a" in (
                content
            )
        # Faro's own footer still carries this reader's own links, once each.
        assert signed_for(text, "/unsubscribe/") == [token_owner(tokens.unsubscribe_url(reader))]
        assert signed_for(text, "/en/preferences/") == [
            token_owner(tokens.preferences_url(reader, "en"))
        ]
        assert message.message["To"] == reader.email


def normalised(text: str) -> str:
    """The message with the recipient-specific links replaced by labels."""
    text = re.sub(r"https?://[^/\s\"]+/unsubscribe/[^/\s\"]+/", "<UNSUBSCRIBE>", text)
    return re.sub(r"https?://[^/\s\"]+/[a-z-]+/preferences/[^/\s\"]+/", "<PREFERENCES>", text)


def test_send_me_a_test_is_what_a_subscriber_gets(smtp):
    [reader] = make_subscribers(1, "reader", languages=("es",))
    alert = publish_alert("Shelter open", translations=["es"], body="<p>Bring ID.</p>")

    send_now(alert)
    assert moderator_copy.send_test(alert, "es", "moderator@example.org") == ""

    received = smtp.by_recipient()
    [subscribers] = received[reader.email]
    [test] = received["moderator@example.org"]
    assert test.message["Subject"] == subscribers.message["Subject"]
    assert "[es] Shelter open" in test.message["Subject"]
    for ours, theirs in zip(bodies(test), bodies(subscribers), strict=True):
        assert normalised(ours) == normalised(theirs)
        assert "<UNSUBSCRIBE>" in normalised(ours) and "<PREFERENCES>" in normalised(ours)
    assert test.message["List-Unsubscribe"].strip().startswith("<http")
    assert test.message["To"] == "moderator@example.org"
    assert reader.email not in test.message.as_string()
