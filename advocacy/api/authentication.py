"""`Authorization: Bearer <token>` with a subscriber's signed token from an email.

The token is never accepted in a query string: URLs end up in logs, browser
history and Referer headers.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from advocacy.tokens import (
    MANAGE,
    UNSUBSCRIBE,
    SubscriberGone,
    TokenError,
    TokenExpired,
    TokenSuperseded,
    TokenUsed,
    read_token,
)


class TokenRefused(exceptions.AuthenticationFailed):
    """A token that cannot be used; `error_code` says why."""

    def __init__(self, error: TokenError):
        super().__init__(str(error.message))
        if isinstance(error, TokenExpired):
            self.error_code = "token_expired"
        elif isinstance(error, SubscriberGone):
            self.error_code = "subscription_gone"
        elif isinstance(error, TokenUsed):
            self.error_code = "token_used"
        elif isinstance(error, TokenSuperseded):
            self.error_code = "token_superseded"
        else:
            self.error_code = "token_invalid"


def token_error(error: TokenError, exception_class=TokenRefused):
    return exception_class(error)


class SubscriberTokenAuthentication(BaseAuthentication):
    """The manage token from any email (DELETE also takes the unsubscribe token)."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send exactly one token: `Bearer <token>`.")
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.") from None
        purposes = (MANAGE, UNSUBSCRIBE) if request.method == "DELETE" else (MANAGE,)
        error = None
        for purpose in purposes:
            try:
                return (AnonymousUser(), read_token(token, purpose))
            except TokenError as exc:
                error = error or exc
        raise TokenRefused(error)

    def authenticate_header(self, request):
        return 'Bearer realm="subscriptions"'


class HasSubscriberToken(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.auth is not None


class SubscriberTokenScheme(OpenApiAuthenticationExtension):
    target_class = "advocacy.api.authentication.SubscriberTokenAuthentication"
    name = "subscriberToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "The token from the preferences link of any Faro email (or the "
                "`manage_token` answered by `subscriptions/confirm/` and by each change). "
                "A change replaces it: the answer to PATCH carries the new one. "
                "Never put it in a URL."
            ),
        }
