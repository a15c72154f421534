"""Two-factor sign-in for everyone who uses the Wagtail admin (django-otp).

wagtail-2fa is tested only up to Wagtail 7, so Faro keeps a thin gate of its
own on top of django-otp: a TOTP authenticator app plus single-use recovery
codes. Until a signed-in user has proved a second factor in this session,
every `/admin/` view answers with a redirect to enrolment or verification.
"""

from __future__ import annotations

import functools
import secrets
from base64 import b32encode
from io import BytesIO
from urllib.parse import urlsplit

import qrcode
import qrcode.image.svg
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"

# Admin URLs every admin page loads, the two-factor pages included, and that
# Wagtail serves to anyone: the icon sprite (fetched by a script and drawn
# into the page) and the JavaScript catalog. Static files live under
# STATIC_URL, outside /admin/.
ADMIN_ASSET_URL_NAMES = ("wagtailadmin_sprite", "wagtailadmin_javascript_catalog")
# Admin URLs a signed-in person needs before the second step: signing in and
# out, resetting a password, and the two-factor pages themselves.
GATE_URL_NAMES = (
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_password_reset",
    "two_factor_setup",
    "two_factor_verify",
    "two_factor_cancel",
)


def is_enrolled(user: AbstractBaseUser) -> bool:
    """Whether `user` has a confirmed second factor."""
    return user_has_device(user, confirmed=True)


def pending_totp_device(user: AbstractBaseUser) -> TOTPDevice:
    """The unconfirmed authenticator being set up for `user` (created if needed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The provisioning URI as an SVG QR code, drawn here (no external service)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def confirm_enrolment(request: HttpRequest, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm `device` with a code from the app; return new recovery codes, or None if wrong.

    On success the session counts as verified.
    """
    if not device.verify_token(_clean(token)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = replace_recovery_codes(device.user)
    otp_login(request, device)
    return codes


def replace_recovery_codes(user: AbstractBaseUser) -> list[str]:
    """Issue a fresh set of single-use recovery codes, voiding any older ones."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    # django-otp keeps at most 16 characters per code: 8 + 1 + 6.
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify(request: HttpRequest, token: str) -> bool:
    """Check a code from the app or a recovery code; on success mark the session verified.

    A recovery code works once: django-otp deletes it when it matches.
    """
    device = match_token(request.user, _clean(token))
    if device is None:
        return False
    otp_login(request, device)
    return True


def reset(user: AbstractBaseUser) -> int:
    """Remove every second factor of `user` (lost phone); they enrol again at next sign-in."""
    deleted = TOTPDevice.objects.filter(user=user).delete()[0]
    deleted += StaticDevice.objects.filter(user=user).delete()[0]
    return deleted


@functools.cache
def _admin_asset_paths() -> frozenset[str]:
    return frozenset(reverse(name) for name in ADMIN_ASSET_URL_NAMES)


@functools.cache
def _gate_paths() -> tuple[str, ...]:
    return tuple(reverse(name) for name in GATE_URL_NAMES)


def is_open_admin_path(path: str) -> bool:
    """Whether `path` is an admin asset served to anyone (icon sprite, JavaScript catalog)."""
    return path in _admin_asset_paths()


def is_gate_path(path: str) -> bool:
    """Whether `path` is part of signing in (login, logout, password reset, two-factor pages)."""
    return path.startswith(_gate_paths())


def is_page_request(request: HttpRequest) -> bool:
    """Whether the browser is loading a page the person asked for.

    Not a script's fetch, an image or a stylesheet: browsers say which with
    Sec-Fetch-Dest (absent in older browsers and test clients: then a GET counts).
    """
    if request.method not in ("GET", "HEAD"):
        return False
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return False
    return request.headers.get("Sec-Fetch-Dest", "document") in ("document", "iframe")


def safe_next(target: str | None, host: str, secure: bool) -> str:
    """Where to go after the second step: `target` if it is an admin page of this site.

    Anything else (another site, a scheme, an admin asset such as the icon
    sprite, the sign-in pages themselves) gives the admin's home instead.
    """
    home = reverse("wagtailadmin_home")
    target = (target or "").strip()
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return home
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={host}, require_https=secure):
        return home
    path = urlsplit(target).path
    if not path.startswith(home) or is_open_admin_path(path) or is_gate_path(path):
        return home
    return target


def _clean(token: str) -> str:
    token = (token or "").strip().replace(" ", "")
    # Recovery codes are "xxxxxxxx-xxxxxx"; app codes are six digits.
    return token[:40]


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    """What django-axes writes in its log lines: never a username or an address."""
    return f'{{path_info: "{path_info}"}}'
