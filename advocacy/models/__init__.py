"""advocacy models: subscribers (subscribers.py); alert pages (alert_pages.py,
with their queryset and admin form); approving them (approvals.py); the send
ledger of dispatches and deliveries (ledger.py)."""

from .alert_pages import AlertIndexPage, AlertPage  # noqa: F401
from .alert_queryset import AlertPageManager, AlertPageQuerySet  # noqa: F401
from .approvals import AlertApproval, AlertApprovalTask, AlertApprovalTaskState  # noqa: F401
from .ledger import Delivery, Dispatch  # noqa: F401
from .subscribers import Area, Subscriber, SuppressedAddress, Topic  # noqa: F401
