"""Test helpers for subscribers (shared by the test_subscribers_* modules and the API tests)."""

from __future__ import annotations

from django.utils import timezone

from advocacy.models import Area, Subscriber, Topic


def make_subscriber(
    email: str,
    *,
    status: str = Subscriber.Status.ACTIVE,
    language: str = "en",
    areas: tuple[str, ...] = (),
    topics: tuple[str, ...] = (),
    wants_digest: bool = False,
) -> Subscriber:
    """A saved subscriber; areas/topics given as slugs."""
    subscriber = Subscriber(
        email=email,
        status=status,
        language=language,
        wants_digest=wants_digest,
        confirmed_at=timezone.now() if status == Subscriber.Status.ACTIVE else None,
    )
    subscriber.save()
    subscriber.areas.set(Area.objects.filter(slug__in=areas))
    subscriber.topics.set(Topic.objects.filter(slug__in=topics))
    return subscriber
