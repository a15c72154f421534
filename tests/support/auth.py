"""Signing test users in to the admin."""

from __future__ import annotations

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice


def sign_in_verified(client, user):
    """Sign `user` in with a second factor already proved, as after /admin/2fa/verify/.

    The admin refuses every view until the session is verified (cms.two_factor);
    tests about something else use this instead of plain `force_login`.
    """
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="test device", defaults={"confirmed": True}
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
