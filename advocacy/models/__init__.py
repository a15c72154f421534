"""advocacy models: subscribers (subscribers.py); alert pages (alert_pages.py,
with their queryset and admin form); approving them (approvals.py); the send
ledger of dispatches and deliveries (ledger.py); gateway and email-service
callbacks already handled or refused (callbacks.py)."""

from .alert_pages import AlertIndexPage, AlertPage  # noqa: F401
from .alert_queryset import AlertPageManager, AlertPageQuerySet  # noqa: F401
from .approvals import AlertApproval, AlertApprovalTask, AlertApprovalTaskState  # noqa: F401
from .callbacks import ProcessedCallback, RefusedCallback  # noqa: F401
from .ledger import Delivery, Dispatch  # noqa: F401
from .subscribers import (  # noqa: F401
    Area,
    StoppedNumber,
    Subscriber,
    SuppressedAddress,
    Topic,
)
