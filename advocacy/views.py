"""Site views for subscribers: thin, every rule lives in advocacy.subscriptions.

None of these views sets a cookie. The forms are CSRF-exempt on purpose: a
CSRF cookie would be the only cookie on the site, and what it protects
against is covered otherwise (sign-up: double opt-in, a honeypot and rate
limits; every other form: the signed token in the URL is the credential).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from advocacy.forms import (
    BOTH,
    EMAIL,
    SMS,
    AddPhoneForm,
    PhoneCodeForm,
    PreferencesForm,
    SubscribeForm,
)
from advocacy.sms.opt_in import MAX_WRONG_CODES, code_valid_for, has_pending_code
from advocacy.subscriptions import (
    SubscriptionError,
    add_phone,
    confirm,
    confirm_phone_code,
    make_choices,
    queue_sign_up,
    remove_phone,
    unsubscribe,
    update_preferences,
)
from advocacy.tokens import (
    CONFIRM,
    MANAGE,
    UNSUBSCRIBE,
    SubscriberGone,
    TokenError,
    make_token,
    read_token,
)
from core import ratelimit

# Sign-up attempts one client address may make per hour (a shared library
# or community centre computer stays well under this).
SUBSCRIBE_POSTS_PER_CLIENT_PER_HOUR = 30
# Codes one client address may try per hour on the code page; each code
# also takes only MAX_WRONG_CODES wrong tries (advocacy.sms.opt_in).
CODE_POSTS_PER_CLIENT_PER_HOUR = 20


def _private(response):
    """Token pages: never cached by anyone, never indexed, no Referer leaks the token."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def _token_error(request, error: TokenError):
    response = render(request, "advocacy/token_error.html", {"message": error.message}, status=400)
    return _private(response)


def _form_context(form) -> dict:
    return {
        "form": form,
        "confirm_days": settings.SUBSCRIPTION_CONFIRM_DAYS,
        "code_hours": _code_hours(),
    }


def _code_hours() -> int:
    return int(code_valid_for().total_seconds() // 3600)


def _choices(form):
    data = form.cleaned_data
    return make_choices(data["language"], data["areas"], data["topics"], data["wants_digest"])


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def subscribe_view(request):
    """`/<lang>/subscribe/`: the sign-up form; the answer never says whether the address is known.

    The request only checks the form and queues the sign-up: the worker
    looks the address up and sends the mail, so a known and a new address
    take the same path here.
    """
    if request.method == "GET":
        form = SubscribeForm(initial={"language": translation.get_language()})
        return render(request, "advocacy/subscribe.html", _form_context(form))
    if not ratelimit.allow(
        "subscribe-client",
        ratelimit.client_address(request),
        SUBSCRIBE_POSTS_PER_CLIENT_PER_HOUR,
        3600,
    ):
        return render(request, "advocacy/rate_limited.html", status=429)
    form = SubscribeForm(request.POST)
    if form.is_valid():
        if form.cleaned_data["website"]:
            # A bot filled the honeypot: answer as usual, do nothing.
            return render(
                request, "advocacy/subscribe_done.html", _done_context(form.cleaned_data["channel"])
            )
        channel = form.cleaned_data["channel"]
        try:
            queue_sign_up(
                form.cleaned_data["email"], _choices(form), phone=form.cleaned_data["phone"]
            )
        except SubscriptionError as exc:
            form.add_error("phone" if channel == SMS else "email", str(exc))
        else:
            return render(request, "advocacy/subscribe_done.html", _done_context(channel))
    return render(request, "advocacy/subscribe.html", _form_context(form), status=400)


def _done_context(channel: str) -> dict:
    return {
        "by_email": channel in (EMAIL, BOTH),
        "by_text": channel in (SMS, BOTH),
        "code_hours": _code_hours(),
    }


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def phone_code_view(request):
    """`/<lang>/subscribe/phone/`: enter the number and the code texted to it.

    One answer for every failure (unknown number, wrong or expired code, too
    many tries), so the page tells no one which numbers are signed up; tries
    are limited per client address and per code.
    """
    context = {"max_tries": MAX_WRONG_CODES, "code_hours": _code_hours()}
    if request.method == "GET":
        context["form"] = PhoneCodeForm()
        return render(request, "advocacy/phone_code.html", context)
    if not ratelimit.allow(
        "phone-code-client",
        ratelimit.client_address(request),
        CODE_POSTS_PER_CLIENT_PER_HOUR,
        3600,
    ):
        return render(request, "advocacy/rate_limited.html", status=429)
    form = PhoneCodeForm(request.POST)
    context["form"] = form
    if form.is_valid():
        subscriber = confirm_phone_code(form.cleaned_data["phone"], form.cleaned_data["code"])
        if subscriber is not None:
            return render(request, "advocacy/phone_confirmed.html")
        form.add_error(
            "code",
            _(
                "This code does not work for this number. Check the number and the code in "
                "the text. A code works for %(tries)s tries; for a new one, sign up again."
            )
            % {"tries": MAX_WRONG_CODES},
        )
    return render(request, "advocacy/phone_code.html", context, status=400)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def confirm_view(request, token: str):
    """GET shows a button (mail scanners follow links); POST confirms. A link works once."""
    try:
        subscriber = read_token(token, CONFIRM)
        if request.method == "POST":
            subscriber = confirm(token)
    except TokenError as error:
        return _token_error(request, error)
    context = {"subscriber": subscriber, "manage_token": None}
    if request.method == "POST":
        context["manage_token"] = make_token(subscriber, MANAGE)
        return _private(render(request, "advocacy/confirmed.html", context))
    return _private(render(request, "advocacy/confirm.html", context))


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def preferences_view(request, token: str):
    """Change language, areas, topics, digest; or leave (button named ``leave``)."""
    try:
        subscriber = read_token(token, MANAGE)
    except TokenError as error:
        return _token_error(request, error)
    if request.method == "POST" and "leave" in request.POST:
        unsubscribe(subscriber)
        return _private(render(request, "advocacy/unsubscribed.html"))
    phone_form = AddPhoneForm()
    if request.method == "POST" and "remove_phone" in request.POST:
        remove_phone(subscriber)
        return _private(HttpResponseRedirect(f"{request.path}?phone=removed"))
    if request.method == "POST" and "add_phone" in request.POST:
        phone_form = AddPhoneForm(request.POST)
        if phone_form.is_valid():
            add_phone(subscriber, phone_form.cleaned_data["phone"])
            return _private(HttpResponseRedirect(f"{request.path}?phone=added"))
        context = _preferences_context(
            subscriber, _preferences_form(subscriber), phone_form, request, shown=False
        )
        return _private(render(request, "advocacy/preferences.html", context, status=400))
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            subscriber = update_preferences(subscriber, _choices(form))
            # The change replaced this page's link: show the page again under
            # the new one, in the language just chosen.
            new_token = make_token(subscriber, MANAGE)
            return _private(
                HttpResponseRedirect(f"/{subscriber.language}/preferences/{new_token}/?saved=1")
            )
        status = 400
    else:
        form = _preferences_form(subscriber)
        status = 200
    context = _preferences_context(subscriber, form, phone_form, request, shown=status == 200)
    return _private(render(request, "advocacy/preferences.html", context, status=status))


def _preferences_form(subscriber) -> PreferencesForm:
    return PreferencesForm(
        initial={
            "language": subscriber.language,
            "areas": list(subscriber.areas.values_list("slug", flat=True)),
            "topics": list(subscriber.topics.values_list("slug", flat=True)),
            "wants_digest": subscriber.wants_digest,
        }
    )


def _preferences_context(subscriber, form, phone_form, request, shown: bool) -> dict:
    """The preferences page; ``shown``: a plain GET, where the notes of a
    redirect after a change ("saved", "phone") may appear."""
    phone = subscriber.phone
    return {
        "form": form,
        "phone_form": phone_form,
        "saved": shown and request.GET.get("saved") == "1",
        "phone_note": request.GET.get("phone", "") if shown else "",
        # Only the last digits: the page may be open on a shared screen.
        "phone_ending": phone[-4:] if phone else "",
        "phone_confirmed": subscriber.phone_confirmed_at is not None,
        "phone_waiting": has_pending_code(subscriber),
    }


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, token: str):
    """`/unsubscribe/<token>/`: GET shows a button; POST (RFC 8058 one-click) leaves, 200, no redirect."""
    try:
        subscriber = read_token(token, UNSUBSCRIBE)
    except SubscriberGone:
        # Already gone: leaving again is a success, not an error.
        return _private(render(request, "advocacy/unsubscribed.html"))
    except TokenError as error:
        return _token_error(request, error)
    with translation.override(subscriber.language):
        if request.method == "POST":
            unsubscribe(subscriber)
            response = render(request, "advocacy/unsubscribed.html")
        else:
            response = render(request, "advocacy/unsubscribe.html")
    return _private(response)
