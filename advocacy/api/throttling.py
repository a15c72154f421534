"""The API's per-email-address throttle (``<scope>-email`` rates).

Counted like every throttle in core.api.throttling, by the address's keyed
hash (advocacy.crypto), so one address cannot be flooded with confirmation
emails whatever client addresses the requests come from.
"""

from __future__ import annotations

from advocacy.crypto import email_hash, normalise_email
from core.api.throttling import WindowThrottle


class EmailThrottle(WindowThrottle):
    """Per email address in the body, by its keyed hash: one address cannot be flooded."""

    suffix = "-email"

    def identifier(self, request):
        data = request.data
        address = data.get("email") if isinstance(data, dict) else None
        if not isinstance(address, str) or not address.strip():
            return None
        return email_hash(normalise_email(address))
