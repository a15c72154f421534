"""Failed admin sign-ins: a slow per-account brake, and the answer a refused attempt gets.

Two rules work together (SECURITY.md, "Sign-in lockout"):

- django-axes counts failures per account *and* client address
  (AXES_LOCKOUT_PARAMETERS): five wrong passwords lock that account from that
  address for AXES_COOLOFF_TIME. Nobody locks out colleagues behind the same
  address, nor the account's owner elsewhere.
- This module's brake counts failures per account from every address. After
  SIGN_IN_BRAKE_FREE_FAILURES of them, each further attempt for the account
  must wait 2, 4, 8 … seconds (at most SIGN_IN_BRAKE_MAX_DELAY) after the last
  one. An attempt made too early is refused without checking the password,
  so guessing from many addresses stays slow, while the owner is never kept
  out for longer than the longest delay.

`SignInHandler` plugs both into django-axes (AXES_HANDLER); it only calls the
functions below. Counts live in the shared cache under keyed hashes of the
user name (core.ratelimit.hashed_identifier): no user name or address is
stored or logged.
"""

from __future__ import annotations

import math
import time

from axes.handlers.cache import AxesCacheHandler
from axes.helpers import get_client_username
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import ngettext

from core import ratelimit


def _keys(username: str) -> tuple[str, str]:
    # User names are matched exactly at sign-in; counting them case-folded
    # only makes the brake stricter.
    hashed = ratelimit.hashed_identifier(f"sign-in:{username.casefold()}")
    return f"sign-in-brake:{hashed}:failures", f"sign-in-brake:{hashed}:next"


def delay_after(failures: int) -> int:
    """Seconds an account's next attempt must wait after `failures` failures in a row.

    0 within the free allowance (SIGN_IN_BRAKE_FREE_FAILURES), then 2, 4, 8 …
    up to SIGN_IN_BRAKE_MAX_DELAY.
    """
    beyond = failures - settings.SIGN_IN_BRAKE_FREE_FAILURES
    if beyond < 0:
        return 0
    return min(2 ** (beyond + 1), settings.SIGN_IN_BRAKE_MAX_DELAY)


def wait_seconds(username: str) -> int:
    """0 when an attempt for `username` may go ahead now, else the seconds left to wait.

    Once the account is over its free allowance, an attempt that may go ahead
    also claims the account's turn for the current delay, so attempts sent in
    parallel cannot all slip through one opening.
    """
    failures_key, next_key = _keys(username)
    delay = delay_after(cache.get(failures_key, 0))
    if not delay:
        return 0
    now = time.time()
    if cache.add(next_key, now + delay, timeout=delay):
        return 0
    allowed_at = cache.get(next_key)
    if allowed_at is None:  # the wait ended between the two reads
        return 0
    return max(1, math.ceil(allowed_at - now))


def record_failure(username: str) -> int:
    """Count a failed attempt for `username`; return the seconds the next attempt must wait."""
    failures_key, next_key = _keys(username)
    memory = settings.SIGN_IN_BRAKE_MEMORY
    cache.add(failures_key, 0, timeout=memory)
    try:
        failures = cache.incr(failures_key)
    except ValueError:  # expired between add and incr
        cache.add(failures_key, 1, timeout=memory)
        failures = 1
    cache.touch(failures_key, timeout=memory)
    delay = delay_after(failures)
    if delay:
        cache.set(next_key, time.time() + delay, timeout=delay)
    return delay


def forget(username: str) -> None:
    """Clear the account's count after a successful sign-in."""
    cache.delete_many(list(_keys(username)))


def wait_message(seconds: int) -> str:
    """ "Try again in …" in the reader's language, in seconds or (from two minutes) minutes."""
    if seconds < 120:
        return ngettext(
            "Too many failed sign-ins for this account. Try again in %(count)d second.",
            "Too many failed sign-ins for this account. Try again in %(count)d seconds.",
            seconds,
        ) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "Too many failed sign-ins for this account. Try again in %(count)d minute.",
        "Too many failed sign-ins for this account. Try again in %(count)d minutes.",
        minutes,
    ) % {"count": minutes}


class SignInHandler(AxesCacheHandler):
    """django-axes' cache handler (per account-and-address lockout) plus the per-account brake."""

    def is_allowed(self, request, credentials=None) -> bool:
        if not super().is_allowed(request, credentials):
            return False
        username = get_client_username(request, credentials)
        if not username:
            return True
        wait = wait_seconds(username)
        if wait:
            request.sign_in_wait_seconds = wait
            return False
        return True

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        # An attempt refused before its password was checked counts for nothing.
        refused = request is None or getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)
        username = None if refused else get_client_username(request, credentials)
        if username:
            record_failure(username)

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        forget(user.get_username())


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: a 429 page saying how long to wait, with Retry-After."""
    seconds = getattr(request, "sign_in_wait_seconds", None) or math.ceil(
        settings.AXES_COOLOFF_TIME * 3600
    )
    response = render(
        request, "cms/sign_in_wait.html", {"message": wait_message(seconds)}, status=429
    )
    response["Retry-After"] = str(seconds)
    return response
