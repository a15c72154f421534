"""The admin: two-step sign-in, lockout, sessions, password reset, redirects."""

import datetime
import time

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db.models import F
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.middleware import SIGNED_IN_AT_KEY

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple 7"


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", "editor@example.org", PASSWORD)
    group, _ = Group.objects.get_or_create(name="Editors")
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    return user


def sign_in(client, username="editor", password=PASSWORD):
    return client.post(
        "/admin/login/", {"username": username, "password": password, "next": "/admin/"}
    )


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(client, user) -> list[str]:
    client.get("/admin/2fa/setup/")
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/admin/2fa/setup/", {"token": current_code(device), "next": "/admin/"})
    assert response.status_code == 200
    return response.context["codes"]


def test_no_admin_view_before_second_factor(client, editor):
    response = sign_in(client)
    assert response.status_code == 302
    for path in ("/admin/", "/admin/pages/", "/admin/snippets/", "/admin/users/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/2fa/setup/"), path


def test_enrolment_with_an_authenticator_opens_the_admin(client, editor):
    sign_in(client)
    page = client.get("/admin/2fa/setup/")
    assert b"<svg" in page.content  # QR code drawn locally
    wrong = client.post("/admin/2fa/setup/", {"token": "000000"})
    assert "did not match" in wrong.content.decode()
    # django-otp throttles a device for a second after a wrong code.
    time.sleep(1.1)
    codes = enrol(client, editor)
    assert len(codes) == 10
    assert client.get("/admin/").status_code == 200


def test_next_sign_in_asks_for_the_code_and_recovery_codes_work_once(client, editor):
    sign_in(client)
    codes = enrol(client, editor)
    client.logout()

    sign_in(client)
    assert client.get("/admin/")["Location"].startswith("/admin/2fa/verify/")
    assert client.post("/admin/2fa/verify/", {"token": "123456"}).status_code == 200
    assert client.get("/admin/").status_code == 302
    time.sleep(1.1)  # the throttle after a wrong code
    assert (
        client.post("/admin/2fa/verify/", {"token": codes[0], "next": "/admin/"})["Location"]
        == "/admin/"
    )
    assert client.get("/admin/").status_code == 200
    client.logout()

    sign_in(client)
    reused = client.post("/admin/2fa/verify/", {"token": codes[0]})
    assert reused.status_code == 200  # refused: shown the form again
    assert client.get("/admin/").status_code == 302


def test_reset_2fa_command_makes_the_user_enrol_again(client, editor):
    sign_in(client)
    enrol(client, editor)
    client.logout()
    call_command("reset_2fa", "editor")
    assert not TOTPDevice.objects.filter(user=editor).exists()
    sign_in(client)
    assert client.get("/admin/")["Location"].startswith("/admin/2fa/setup/")
    with pytest.raises(CommandError):
        call_command("reset_2fa", "nobody")


def test_lockout_after_repeated_failures(client, editor):
    for _ in range(5):
        sign_in(client, password="wrong password")
    locked = sign_in(client)  # the right password no longer helps
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_new_session_key_at_sign_in(client, editor):
    client.get("/admin/login/")
    client.session.save()
    before = client.session.session_key
    sign_in(client)
    assert client.session.session_key != before


def test_session_ends_after_absolute_lifetime(client, editor, settings):
    sign_in(client)
    enrol(client, editor)
    session = client.session
    session[SIGNED_IN_AT_KEY] = time.time() - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in client.session


def _idle_for(client, minutes: int) -> None:
    """As if the signed-in person made no request for `minutes`: their session's
    expiry moves that far back (what the clock moving forward would do)."""
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=F("expire_date") - datetime.timedelta(minutes=minutes)
    )


def test_thirty_idle_minutes_sign_out_and_every_request_restarts_them(client, editor):
    sign_in(client)
    enrol(client, editor)
    assert client.get("/admin/").status_code == 200

    # 29 minutes without a request: still signed in, and that request gives
    # another full 30 minutes, so 29 more idle minutes are still fine.
    _idle_for(client, 29)
    assert client.get("/admin/").status_code == 200
    _idle_for(client, 29)
    assert client.get("/admin/").status_code == 200

    # 31 minutes without a request: signed out.
    _idle_for(client, 31)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in client.session


def test_password_reset_does_not_reveal_whether_an_account_exists(client, editor):
    known = client.post("/admin/password_reset/", {"email": "editor@example.org"})
    unknown = client.post("/admin/password_reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["editor@example.org"]


def test_weak_passwords_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("password123", "12345678901234", "short"):
        with pytest.raises(ValidationError):
            validate_password(weak)


def test_sign_in_redirects_only_to_this_site(client, editor):
    response = client.post(
        "/admin/login/",
        {"username": "editor", "password": PASSWORD, "next": "https://evil.example.com/"},
    )
    assert response.status_code == 302
    assert "evil.example.com" not in response["Location"]
    verify = client.get("/admin/2fa/setup/?next=https://evil.example.com/")
    assert b"evil.example.com" not in verify.content
