"""advocacy models: subscribers (subscribers.py) and alerts (alerts.py)."""

from .alerts import *  # noqa: F403
from .subscribers import Area, Subscriber, SuppressedAddress, Topic  # noqa: F401
