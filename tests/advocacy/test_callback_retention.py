"""The record of gateway and email-service callbacks already acted on is kept
only as long as delivery rows are (DELIVERY_RETENTION_DAYS)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from advocacy.dispatching import upkeep
from advocacy.models import ProcessedCallback

pytestmark = pytest.mark.django_db


def test_processed_callbacks_older_than_the_retention_are_purged(settings):
    settings.DELIVERY_RETENTION_DAYS = 30
    now = timezone.now()
    old = ProcessedCallback.objects.create(
        provider="test-retention", key="old", received_at=now - timedelta(days=31)
    )
    recent = ProcessedCallback.objects.create(
        provider="test-retention", key="recent", received_at=now - timedelta(days=29)
    )

    upkeep.purge_deliveries(now=now)

    kept = set(
        ProcessedCallback.objects.filter(provider="test-retention").values_list("pk", flat=True)
    )
    assert kept == {recent.pk}
    assert old.pk not in kept
