"""Signing in to the admin in a real browser: accounts, password, two-step sign-in.

Helpers for browser tests of the editorial side (see test_admin_sign_in.py
for them in use). The site under test runs under gunicorn in another process,
on a database of its own, so accounts are made there with `create_account`
(a short subprocess with the site's environment); everything else happens in
Chromium, as a person does it:

    account = create_account(live_site, "editor", groups=["Editors"])
    page = context.new_page()
    sign_in(page, account, "/admin/pages/")   # ends on the two-step page
    enrol_two_factor(page, account)            # first sign-in: scan, confirm, codes
    assert path_of(page) == "/admin/pages/"

    # a later sign-in, in a fresh context:
    sign_in(page, account)
    verify_two_factor(page, account)

`sign_in_to_admin(page, account, path)` does whichever of the two the account
needs and ends on `path`. Codes come from the secret the setup page shows,
computed here per RFC 6238 (not by the server's own code), one time step
after another: django-otp refuses a code from a step already used.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]

# Long enough for the password validators (12+ characters, not common).
PASSWORD = "browser-test passphrase 4417"
TOTP_STEP = 30
TOTP_DIGITS = 6
# django-otp accepts a code one step ahead of the server's clock (tolerance 1).
TOTP_TOLERANCE = 1

# A navigation waits for the new document, not for every image on it; the
# admin can be slow on a loaded machine.
NAVIGATION_TIMEOUT = 30_000

LOGIN_PATH = "/admin/login/"
SETUP_PATH = "/admin/2fa/setup/"
VERIFY_PATH = "/admin/2fa/verify/"
# Labels of the two-step form fields (cms.forms.TwoFactorCodeForm).
SETUP_CODE_LABEL = "Six-digit code"
VERIFY_CODE_LABEL = "Code from your authenticator app, or a recovery code"


@dataclass
class AdminAccount:
    """A person with an admin account on the site under test.

    `totp_secret` (base32) and `recovery_codes` are filled in by
    `enrol_two_factor`; `last_step` is the last TOTP time step used.
    """

    username: str
    password: str = PASSWORD
    groups: tuple[str, ...] = ()
    superuser: bool = False
    totp_secret: str | None = None
    recovery_codes: list[str] = field(default_factory=list)
    last_step: int | None = None

    @property
    def enrolled(self) -> bool:
        return self.totp_secret is not None


def create_account(
    site,
    username: str,
    *,
    groups: list[str] | tuple[str, ...] = (),
    superuser: bool = False,
    password: str = PASSWORD,
    email: str = "",
) -> AdminAccount:
    """Create a user on the site under test, in the named groups (e.g. "Editors").

    `site` is the `live_site` fixture (or any site object with the server's
    `env`, such as tests.browser.production_site.ProductionSite). Groups must exist (the Editors, Moderators and Translators groups come
    from know_your_rights' migrations). A superuser needs no group.
    """
    spec = {
        "username": username,
        "password": password,
        "email": email or f"{username}@example.org",
        "groups": list(groups),
        "superuser": superuser,
    }
    _on_site(site, {"create_user": spec})
    return AdminAccount(
        username=username, password=password, groups=tuple(groups), superuser=superuser
    )


def page_id(live_site, url_path: str, language: str = "en") -> int:
    """The id of the page at `url_path` below the language's home ("/" is the home page).

    E.g. `page_id(live_site, "/guides/talking-to-the-nypd/", "es")` for the
    Spanish guide at /es/guides/talking-to-the-nypd/.

    For opening a page's editor, `/admin/pages/<id>/edit/`, as a person would
    after finding it in the page explorer.
    """
    spec = {"page_id": {"url_path": url_path, "language": language}}
    return int(_on_site(live_site, spec))


def totp_code(secret: str, step: int) -> str:
    """The RFC 6238 code (HMAC-SHA1, 6 digits) of base32 `secret` for time step `step`."""
    key = base64.b32decode(secret.replace(" ", "").upper())
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**TOTP_DIGITS:0{TOTP_DIGITS}d}"


def next_totp_code(account: AdminAccount) -> str:
    """A code the server accepts now and that `account` has not used yet.

    Uses the next step when the current one is spent (the server allows one
    step ahead); waits only if both are spent.
    """
    assert account.totp_secret, f"{account.username} has not enrolled"
    while True:
        now = int(time.time()) // TOTP_STEP
        step = now if account.last_step is None else max(now, account.last_step + 1)
        if step <= now + TOTP_TOLERANCE:
            account.last_step = step
            return totp_code(account.totp_secret, step)
        time.sleep(TOTP_STEP - time.time() % TOTP_STEP + 0.1)


def path_of(page) -> str:
    """The path (no query) of the page's current URL."""
    return urlsplit(page.url).path


def assert_not_refused(page, response) -> None:
    """Fail with what the page says when a navigation answered 4xx or 5xx."""
    if response is not None and response.status >= 400:
        text = page.locator("body").inner_text()[:600]
        raise AssertionError(
            f"{response.request.method} {response.url} answered {response.status}: {text}"
        )


def sign_in(page, account: AdminAccount, path: str = "/admin/") -> None:
    """Ask for `path`, get the sign-in form, and sign in with username and password.

    Ends wherever the site sends the person next: for an admin account,
    the two-step page (setup on the first sign-in, verify afterwards).
    """
    page.goto(path, wait_until="domcontentloaded", timeout=NAVIGATION_TIMEOUT)
    assert path_of(page) == LOGIN_PATH, f"expected the sign-in form, got {page.url}"
    page.locator("#id_username").fill(account.username)
    page.locator("#id_password").fill(account.password)
    with page.expect_navigation(
        wait_until="domcontentloaded", timeout=NAVIGATION_TIMEOUT
    ) as navigation:
        page.locator("form.login-form button[type=submit]").click()
    # A refused POST (403 "CSRF verification failed") stays on the sign-in URL.
    assert_not_refused(page, navigation.value)


def enrol_two_factor(page, account: AdminAccount) -> list[str]:
    """On the setup page: read the key, type the current code, keep the recovery codes.

    Ends on the page the person first asked for (after "Continue to the
    admin"). Returns the recovery codes (also kept on `account`).
    """
    assert path_of(page) == SETUP_PATH, f"expected the two-step setup page, got {page.url}"
    account.totp_secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    account.last_step = None
    page.get_by_label(SETUP_CODE_LABEL).fill(next_totp_code(account))
    with page.expect_navigation(
        wait_until="domcontentloaded", timeout=NAVIGATION_TIMEOUT
    ) as navigation:
        page.get_by_role("button", name="Confirm").click()
    assert_not_refused(page, navigation.value)
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert codes, f"no recovery codes shown; page says: {page.locator('main').inner_text()[:500]}"
    account.recovery_codes = codes
    with page.expect_navigation(wait_until="domcontentloaded", timeout=NAVIGATION_TIMEOUT):
        page.get_by_role("link", name="Continue to the admin").click()
    return codes


def verify_two_factor(page, account: AdminAccount, *, recovery_code: bool = False) -> None:
    """On the verify page: type a fresh code from the app (or a recovery code) and verify.

    Ends on the page the person first asked for.
    """
    assert path_of(page) == VERIFY_PATH, f"expected the two-step page, got {page.url}"
    code = account.recovery_codes.pop(0) if recovery_code else next_totp_code(account)
    page.get_by_label(VERIFY_CODE_LABEL).fill(code)
    with page.expect_navigation(
        wait_until="domcontentloaded", timeout=NAVIGATION_TIMEOUT
    ) as navigation:
        page.get_by_role("button", name="Verify").click()
    assert_not_refused(page, navigation.value)


def sign_in_to_admin(page, account: AdminAccount, path: str = "/admin/") -> None:
    """Sign in with password and second step (enrolling on first use); end on `path`."""
    sign_in(page, account, path)
    if account.enrolled:
        verify_two_factor(page, account)
    else:
        enrol_two_factor(page, account)
    assert path_of(page) == urlsplit(path).path, f"expected {path}, got {page.url}"


def _on_site(site, task: dict) -> str:
    """Run one task of `_run_on_this_site` in a process with the site's environment."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.browser.admin", json.dumps(task)],
        cwd=ROOT,
        env=site.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"{task} failed on the site:\n{result.stderr[-3000:]}"
    return result.stdout.strip()


def _run_on_this_site(task: dict) -> None:
    """The other end of `_on_site`: runs with the site's settings and database."""
    import django

    django.setup()
    if "create_user" in task:
        _create_user(task["create_user"])
    elif "page_id" in task:
        print(_page_id(**task["page_id"]))


def _page_id(url_path: str, language: str) -> int:
    from wagtail.models import Page

    home = Page.objects.get(depth=2, locale__language_code=language)
    return Page.objects.get(url_path=home.url_path + url_path.lstrip("/")).pk


def _create_user(spec: dict) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user_model = get_user_model()
    if spec["superuser"]:
        user = user_model.objects.create_superuser(
            spec["username"], spec["email"], spec["password"]
        )
    else:
        user = user_model.objects.create_user(spec["username"], spec["email"], spec["password"])
    for name in spec["groups"]:
        user.groups.add(Group.objects.get(name=name))


if __name__ == "__main__":
    _run_on_this_site(json.loads(sys.argv[1]))
