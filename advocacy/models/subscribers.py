"""Who gets alerts: areas, topics, subscribers and the suppression list.

Privacy by construction: a subscriber row holds the address only encrypted
(``email_ciphertext``) plus a keyed hash for lookup (``email_hash``); no name,
no IP address. Someone who leaves is deleted; only the keyed hash stays, in
``SuppressedAddress``, so they are never mailed again without a new opt-in.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from advocacy.crypto import decrypt_email, email_hash, encrypt_email, normalise_email


def _ids(items: Iterable) -> set[int]:
    """Primary keys from model instances or plain ids."""
    return {getattr(item, "pk", item) for item in items}


class Area(models.Model):
    """A borough or a neighbourhood inside one (``parent``).

    ``name`` is the English name; ``display_name`` translates it through the
    gettext catalogs (the seeded names are marked in ``advocacy/seed.py``).
    """

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (falls back to English)."""
        return gettext(self.name)

    @staticmethod
    def _parents() -> dict[int, int | None]:
        # The tree is a few dozen rows: one query, walked in memory.
        return dict(Area.objects.values_list("id", "parent_id"))

    @classmethod
    def with_ancestors(cls, areas: Iterable) -> set[int]:
        """Ids of ``areas`` (instances or ids) and of every area above them."""
        parents = cls._parents()
        found: set[int] = set()
        for area_id in _ids(areas):
            while area_id is not None and area_id not in found:
                found.add(area_id)
                area_id = parents.get(area_id)
        return found

    @classmethod
    def with_descendants(cls, areas: Iterable) -> set[int]:
        """Ids of ``areas`` (instances or ids) and of every area inside them."""
        children: dict[int | None, list[int]] = {}
        for area_id, parent_id in cls._parents().items():
            children.setdefault(parent_id, []).append(area_id)
        found: set[int] = set()
        todo = list(_ids(areas))
        while todo:
            area_id = todo.pop()
            if area_id not in found:
                found.add(area_id)
                todo.extend(children.get(area_id, ()))
        return found

    @classmethod
    def reach(cls, areas: Iterable) -> set[int]:
        """Ids of the areas whose subscribers an alert for ``areas`` concerns.

        An alert for Brooklyn concerns Sunset Park subscribers (descendants);
        an alert for Sunset Park concerns people who follow all of Brooklyn
        (ancestors); it does not concern another Brooklyn neighbourhood.
        """
        return cls.with_ancestors(areas) | cls.with_descendants(areas)

    def descendants(self) -> models.QuerySet[Area]:
        """The areas inside this one (not including itself)."""
        return Area.objects.filter(pk__in=self.with_descendants([self.pk]) - {self.pk})

    def ancestors(self) -> models.QuerySet[Area]:
        """The areas this one lies in (not including itself)."""
        return Area.objects.filter(pk__in=self.with_ancestors([self.pk]) - {self.pk})


class Topic(models.Model):
    """What an alert is about; ``name`` is English, ``display_name`` translated."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (falls back to English)."""
        return gettext(self.name)


class SubscriberQuerySet(models.QuerySet):
    def active(self) -> SubscriberQuerySet:
        """Confirmed subscribers: the only ones alerts and digests go to."""
        return self.filter(status=Subscriber.Status.ACTIVE)

    def pending(self) -> SubscriberQuerySet:
        """Sign-ups not yet confirmed."""
        return self.filter(status=Subscriber.Status.PENDING)

    def for_email(self, address: str) -> SubscriberQuerySet:
        """The (at most one) subscriber with this address, by keyed hash."""
        return self.filter(email_hash=email_hash(address))

    def matching(self, areas: Iterable = (), topics: Iterable = ()) -> SubscriberQuerySet:
        """Subscribers an alert for ``areas`` and ``topics`` concerns.

        ``areas``/``topics`` are instances or ids; an empty list means the
        alert is for every area / topic. A subscriber with no areas (or no
        topics) chose "all". Areas follow ``Area.reach``: an alert for
        Brooklyn reaches Sunset Park subscribers. Uses EXISTS subqueries, so
        no duplicates and no DISTINCT over a large list.
        """
        queryset = self
        area_ids = _ids(areas)
        if area_ids:
            through = Subscriber.areas.through
            own = through.objects.filter(subscriber=OuterRef("pk"))
            queryset = queryset.filter(
                ~Exists(own) | Exists(own.filter(area_id__in=Area.reach(area_ids)))
            )
        topic_ids = _ids(topics)
        if topic_ids:
            through = Subscriber.topics.through
            own = through.objects.filter(subscriber=OuterRef("pk"))
            queryset = queryset.filter(~Exists(own) | Exists(own.filter(topic_id__in=topic_ids)))
        return queryset


class Subscriber(models.Model):
    """One address that asked for alerts; see the module docstring on privacy.

    Set the address with ``Subscriber(email=...)`` or ``subscriber.email =
    ...``: that normalises it, encrypts it and computes the hash. Reading
    ``subscriber.email`` decrypts it. No name and no IP address are stored.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        ACTIVE = "active", _("active")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")

    email_ciphertext = models.TextField(editable=False)
    email_hash = models.CharField(max_length=64, unique=True, editable=False)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    areas = models.ManyToManyField(
        Area, verbose_name=_("areas"), blank=True, related_name="subscribers"
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="subscribers"
    )
    wants_digest = models.BooleanField(_("weekly digest"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    # Part of every management link; raised when the choices are changed, so
    # the links made before the change (old emails, the old page) stop working.
    manage_token_version = models.PositiveIntegerField(default=0, editable=False)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        indexes = [models.Index(fields=["status", "created_at"], name="subscriber_status_created")]

    def __str__(self) -> str:
        # Never the address: __str__ ends up in admin logs and error pages.
        return f"Subscriber {self.pk}"

    @property
    def email(self) -> str:
        """The address, decrypted (normalised form)."""
        return decrypt_email(self.email_ciphertext)

    @email.setter
    def email(self, address: str) -> None:
        address = normalise_email(address)
        self.email_ciphertext = encrypt_email(address)
        self.email_hash = email_hash(address)


class SuppressedAddress(models.Model):
    """The keyed hash of an address that must not be mailed.

    Written when someone leaves (or their mailbox refuses mail permanently);
    only a new sign-up that is confirmed removes it.
    """

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")
        BOUNCED = "bounced", _("mailbox refused mail")
        COMPLAINED = "complained", _("reported as spam")

    email_hash = models.CharField(max_length=64, unique=True, editable=False)
    reason = models.CharField(max_length=12, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self) -> str:
        return f"Suppressed {self.email_hash[:12]} ({self.reason})"
