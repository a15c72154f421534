"""Who gets alerts: areas, topics, subscribers and the suppression lists.

Privacy by construction: a subscriber row holds its email address and its
phone number only encrypted (``email_ciphertext``, ``phone_ciphertext``) plus
a keyed hash of each for lookup (``email_hash``, ``phone_hash``); no name, no
IP address. A subscriber has an address, a number, or both, and each is
confirmed on its own (a link by email, a reply or code by text). Someone who
leaves is deleted; only the keyed hash stays, in ``SuppressedAddress``, so
they are never mailed again without a new opt-in. A number that sent STOP is
kept (hashed) in ``StoppedNumber`` and never texted until it sends START.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from advocacy.crypto import (
    decrypt_email,
    decrypt_phone,
    email_hash,
    encrypt_email,
    encrypt_phone,
    normalise_email,
    phone_hash,
)


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

    def for_phone(self, e164: str) -> SubscriberQuerySet:
        """The (at most one) subscriber with this number (E.164), by keyed hash."""
        return self.filter(phone_hash=phone_hash(e164))

    def email_recipients(self) -> SubscriberQuerySet:
        """Active subscribers whose email address is confirmed: who gets email."""
        return self.active().filter(email_hash__isnull=False, email_awaiting_confirmation=False)

    def sms_recipients(self) -> SubscriberQuerySet:
        """Active subscribers whose number is confirmed and has not sent STOP:
        who gets text messages."""
        return (
            self.active()
            .filter(phone_hash__isnull=False, phone_confirmed_at__isnull=False)
            .exclude(Exists(StoppedNumber.objects.filter(phone_hash=OuterRef("phone_hash"))))
        )

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
    """Someone who asked for alerts by email, by text message, or both; see
    the module docstring on privacy.

    Set the address with ``Subscriber(email=...)`` or ``subscriber.email =
    ...``: that normalises it, encrypts it and computes the hash. Reading
    ``subscriber.email`` decrypts it ("" when there is none). The number works
    the same way through ``phone``, which takes an E.164 number already
    checked by ``advocacy.sms.numbers.parse_mobile_number``. No name and no
    IP address are stored.

    ``status`` is the subscriber's: active once either channel is confirmed.
    Each channel also has its own confirmation: ``email_awaiting_confirmation``
    (an address given but its link not yet followed) and
    ``phone_confirmed_at`` (the number replied YES or its code was entered).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        ACTIVE = "active", _("active")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")

    email_ciphertext = models.TextField(blank=True, default="", editable=False)
    # NULL when the subscriber gave no address (text messages only): NULL,
    # not "", so that many rows may have none under the unique constraint.
    email_hash = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, editable=False
    )
    # True while an address given at sign-up (or added later) waits for its
    # link to be followed, also when the subscriber is already active by text.
    email_awaiting_confirmation = models.BooleanField(default=False, editable=False)
    phone_ciphertext = models.TextField(blank=True, default="", editable=False)
    # NULL when the subscriber gave no number (see email_hash).
    phone_hash = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, editable=False
    )
    phone_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The opt-in code texted to the number: only its keyed hash is kept, with
    # when it stops working and how many wrong codes were tried.
    phone_code_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    phone_code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    phone_code_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
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
        """The address, decrypted (normalised form); "" when there is none."""
        return decrypt_email(self.email_ciphertext) if self.email_ciphertext else ""

    @email.setter
    def email(self, address: str | None) -> None:
        if not address:
            self.email_ciphertext, self.email_hash = "", None
            return
        address = normalise_email(address)
        self.email_ciphertext = encrypt_email(address)
        self.email_hash = email_hash(address)

    @property
    def phone(self) -> str:
        """The number in E.164 form, decrypted; "" when there is none."""
        return decrypt_phone(self.phone_ciphertext) if self.phone_ciphertext else ""

    @phone.setter
    def phone(self, e164: str | None) -> None:
        if not e164:
            self.phone_ciphertext, self.phone_hash = "", None
            self.phone_confirmed_at = None
            return
        self.phone_ciphertext = encrypt_phone(e164)
        self.phone_hash = phone_hash(e164)

    @property
    def gets_email(self) -> bool:
        """Whether alerts go to this subscriber's address now."""
        return (
            self.status == self.Status.ACTIVE
            and self.email_hash is not None
            and not self.email_awaiting_confirmation
        )

    @property
    def gets_sms(self) -> bool:
        """Whether alerts go to this subscriber's number now (STOP aside,
        which ``StoppedNumber`` records)."""
        return (
            self.status == self.Status.ACTIVE
            and self.phone_hash is not None
            and self.phone_confirmed_at is not None
        )


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


class StoppedNumber(models.Model):
    """The keyed hash of a number that sent STOP (or a carrier's synonym, or
    a stop word in its language). Nothing is texted to it, for any alert,
    until it sends START; a new sign-up on the site does not lift it."""

    phone_hash = models.CharField(max_length=64, unique=True, editable=False)
    stopped_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("stopped number")
        verbose_name_plural = _("stopped numbers")

    def __str__(self) -> str:
        return f"Stopped {self.phone_hash[:12]}"
