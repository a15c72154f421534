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
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from advocacy.forms import PreferencesForm, SubscribeForm
from advocacy.subscriptions import (
    SubscriptionError,
    confirm,
    make_choices,
    queue_sign_up,
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


def _private(response):
    """Token pages: never cached by anyone, never indexed, no Referer leaks the token."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def _token_error(request, error: TokenError):
    response = render(request, "advocacy/token_error.html", {"message": error.message}, status=400)
    return _private(response)


def _form_context(form) -> dict:
    return {"form": form, "confirm_days": settings.SUBSCRIPTION_CONFIRM_DAYS}


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
            return render(request, "advocacy/subscribe_done.html")
        try:
            queue_sign_up(form.cleaned_data["email"], _choices(form))
        except SubscriptionError as exc:
            form.add_error("email", str(exc))
        else:
            return render(request, "advocacy/subscribe_done.html")
    return render(request, "advocacy/subscribe.html", _form_context(form), status=400)


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
        form = PreferencesForm(
            initial={
                "language": subscriber.language,
                "areas": list(subscriber.areas.values_list("slug", flat=True)),
                "topics": list(subscriber.topics.values_list("slug", flat=True)),
                "wants_digest": subscriber.wants_digest,
            }
        )
        status = 200
    context = {"form": form, "saved": request.GET.get("saved") == "1" and status == 200}
    return _private(render(request, "advocacy/preferences.html", context, status=status))


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
