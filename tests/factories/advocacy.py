"""Areas, topics, subscribers and alert pages, and approving alerts as the
Alert approval workflow does."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone
from factory.django import DjangoModelFactory
from wagtail.models import GroupPagePermission, Workflow, WorkflowPage, WorkflowTask

from advocacy import approval
from advocacy.models import AlertApprovalTask, AlertIndexPage, AlertPage, Area, Subscriber, Topic
from tests.factories.site import build_site_tree, locale
from tests.factories.users import moderator


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"area-{n}")
    name = factory.LazyAttribute(lambda area: area.slug.replace("-", " ").title())


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.LazyAttribute(lambda topic: topic.slug.replace("-", " ").capitalize())


def ensure_areas() -> dict[str, Area]:
    """Brooklyn with Sunset Park inside it, Queens, and the topic "ICE activity"."""
    brooklyn = AreaFactory(slug="brooklyn", name="Brooklyn")
    sunset = AreaFactory(slug="sunset-park", name="Sunset Park", parent=brooklyn)
    queens = AreaFactory(slug="queens", name="Queens")
    TopicFactory(slug="ice-activity", name="ICE activity")
    return {"brooklyn": brooklyn, "sunset-park": sunset, "queens": queens}


class SubscriberFactory(DjangoModelFactory):
    """An active, confirmed subscriber; traits ``pending`` and ``unsubscribed``;
    ``areas`` and ``topics`` as slugs."""

    class Meta:
        model = Subscriber
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"subscriber-{n}@example.org")
    status = Subscriber.Status.ACTIVE
    language = "en"
    wants_digest = False
    confirmed_at = factory.LazyAttribute(
        lambda person: timezone.now() if person.status == Subscriber.Status.ACTIVE else None
    )

    class Params:
        pending = factory.Trait(status=Subscriber.Status.PENDING)
        unsubscribed = factory.Trait(status=Subscriber.Status.UNSUBSCRIBED)

    @factory.post_generation
    def areas(subscriber, create, slugs, **kwargs):
        if create and slugs is not None:
            subscriber.areas.set(Area.objects.filter(slug__in=slugs))

    @factory.post_generation
    def topics(subscriber, create, slugs, **kwargs):
        if create and slugs is not None:
            subscriber.topics.set(Topic.objects.filter(slug__in=slugs))


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
    return SubscriberFactory(
        email=email,
        status=status,
        language=language,
        areas=areas,
        topics=topics,
        wants_digest=wants_digest,
    )


def make_subscribers(
    count: int, prefix: str, languages=("en", "es", "ar"), status="active", **extra
) -> list[Subscriber]:
    """``count`` confirmed subscribers ``{prefix}{i}@example.org`` cycling through
    languages, written in one query."""
    people = [
        SubscriberFactory.build(
            email=f"{prefix}{number}@example.org",
            status=status,
            language=languages[number % len(languages)],
            confirmed_at=timezone.now(),
            **extra,
        )
        for number in range(count)
    ]
    Subscriber.objects.bulk_create(people)
    return list(Subscriber.objects.filter(email_hash__in=[p.email_hash for p in people]))


# --- Approval ------------------------------------------------------------------


def alert_approval_workflow() -> Workflow:
    """The "Alert approval" workflow (made by migration 0003), on every alert
    index page (tests that flush the database have to make it again)."""
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    flow, _ = Workflow.objects.get_or_create(name="Alert approval", defaults={"active": True})
    if not WorkflowTask.objects.filter(workflow=flow).exists():
        task = AlertApprovalTask.objects.create(name="Alert approval")
        task.groups.add(moderators)
        WorkflowTask.objects.create(workflow=flow, task=task, sort_order=0)
    for index in AlertIndexPage.objects.all():
        WorkflowPage.objects.get_or_create(page=index, defaults={"workflow": flow})
        # Whoever finishes the approval publishes the page (as know_your_rights'
        # roles migration grants; flushed databases have lost it).
        for permission in ("add_page", "change_page", "publish_page"):
            GroupPagePermission.objects.get_or_create(
                group=moderators,
                page=index,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=permission
                ),
            )
    return flow


def approve_as(alert: AlertPage, user: User) -> AlertPage:
    """``user`` approves the alert's current workflow task; the alert as now stored."""
    state = AlertPage.objects.get(pk=alert.pk).current_workflow_task_state.specific
    state.task.specific.on_action(state, user, "approve")
    return AlertPage.objects.get(pk=alert.pk)


def approve(page: AlertPage, author: User | None = None, approvers=None) -> AlertPage:
    """Submit ``page``'s latest revision to Alert approval and have it approved
    as the rule asks (one Moderator for a standard alert, two for an urgent
    one; ``approvers`` to choose who), through the workflow task, which
    publishes it. Returns the page as now stored."""
    alert_approval_workflow()
    page = AlertPage.objects.get(pk=page.pk)
    page.get_workflow().start(page, author)
    needed = approval.approvals_needed(page, page.get_latest_revision())
    for person in approvers or [moderator(f"moderator-{n}") for n in range(1, needed + 1)]:
        page = approve_as(page, person)
    return AlertPage.objects.get(pk=page.pk)


# --- Alert pages -----------------------------------------------------------------


class AlertPageFactory(DjangoModelFactory):
    """An alert under the English alert index (or ``parent``), concerning
    ``areas`` (else every area). Traits: ``urgent``, ``expired``; ``approved``
    approves and publishes it through the workflow, ``translations`` (language
    codes, with ``approved``) adds approved translations whose titles start
    with the language code."""

    class Meta:
        model = AlertPage
        skip_postgeneration_save = True

    parent = factory.LazyFunction(lambda: build_site_tree().alert_index)
    title = factory.Sequence(lambda n: f"Alert {n}")
    summary = factory.LazyAttribute(lambda alert: f"Summary of {alert.title}.")
    urgency = AlertPage.Urgency.STANDARD
    areas = ()

    class Params:
        urgent = factory.Trait(urgency=AlertPage.Urgency.URGENT)
        expired = factory.Trait(
            expires_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
        )

    @classmethod
    def _create(cls, model_class, *args, parent=None, areas=(), **kwargs):
        kwargs.setdefault("every_area", not areas)  # no area: an explicit "every area"
        alert = model_class(**kwargs)
        parent.add_child(instance=alert)
        alert.areas.set(areas)
        return alert

    @factory.post_generation
    def approved(alert, create, wanted, **kwargs):
        alert.save_revision()
        if wanted:
            approve(alert)

    @factory.post_generation
    def translations(alert, create, codes, **kwargs):
        for code in codes or ():
            translated = alert.copy_for_translation(locale(code), copy_parents=True)
            translated.title = f"[{code}] {alert.title}"
            translated.summary = f"[{code}] Summary."
            translated.save_revision()
            approve(translated)


def publish_alert(title: str, *, urgency="standard", areas=(), translations=(), **fields):
    """An approved, published alert under the English alert index, with
    approved translations (language codes) whose titles are prefixed with the
    language code. Approved by real Moderators through the workflow."""
    alert = AlertPageFactory(
        title=title,
        urgency=urgency,
        areas=areas,
        approved=True,
        translations=translations,
        **fields,
    )
    return AlertPage.objects.get(pk=alert.pk)
