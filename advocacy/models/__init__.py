"""advocacy models: subscribers (subscribers.py), alerts (alerts.py) and their approvals (approvals.py)."""

from .alerts import *  # noqa: F403
from .approvals import AlertApproval  # noqa: F401
from .subscribers import Area, Subscriber, SuppressedAddress, Topic  # noqa: F401
