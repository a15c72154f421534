"""Shared helpers for the alert and dispatch tests: a real SMTP server
(aiosmtpd on 127.0.0.1) that records messages and can refuse some, a page
tree with an alert index, subscribers, and waiting for a dispatch."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone
from wagtail.models import (
    GroupPagePermission,
    Locale,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from advocacy import approval
from advocacy.models import (
    AlertApprovalTask,
    AlertIndexPage,
    AlertPage,
    Area,
    Subscriber,
    Topic,
)


def ensure_site_tree() -> AlertIndexPage:
    """Locales, a root, an English home page and its alert index (tests that
    run with a flushed database have none of the migrations' data)."""
    from cms.models import HomePage

    for code in ("en", "es", "ar", "zh-hans"):
        Locale.objects.get_or_create(language_code=code)
    index = AlertIndexPage.objects.filter(locale__language_code="en").first()
    if index is not None:
        return index
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = HomePage.objects.filter(locale__language_code="en").first()
    if home is None:
        home = root.add_child(instance=HomePage(title="Faro", slug="home"))
    return home.add_child(instance=AlertIndexPage(title="Alerts", slug="alerts"))


def ensure_areas() -> dict[str, Area]:
    brooklyn, _ = Area.objects.get_or_create(slug="brooklyn", defaults={"name": "Brooklyn"})
    sunset, _ = Area.objects.get_or_create(
        slug="sunset-park", defaults={"name": "Sunset Park", "parent": brooklyn}
    )
    queens, _ = Area.objects.get_or_create(slug="queens", defaults={"name": "Queens"})
    Topic.objects.get_or_create(slug="ice-activity", defaults={"name": "ICE activity"})
    return {"brooklyn": brooklyn, "sunset-park": sunset, "queens": queens}


def make_subscribers(
    count: int, prefix: str, languages=("en", "es", "ar"), status="active", **extra
) -> list:
    """``count`` subscribers ``{prefix}{i}@example.org`` cycling through languages."""
    people = []
    for number in range(count):
        subscriber = Subscriber(
            status=status,
            language=languages[number % len(languages)],
            confirmed_at=timezone.now(),
            **extra,
        )
        subscriber.email = f"{prefix}{number}@example.org"
        people.append(subscriber)
    Subscriber.objects.bulk_create(people)
    return list(Subscriber.objects.filter(email_hash__in=[p.email_hash for p in people]))


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


def moderator(name: str) -> User:
    """A member of Moderators (made once per name). No email address: the
    "an alert waits for you" notes must not land among the messages tests count."""
    user, created = User.objects.get_or_create(username=name, defaults={"email": ""})
    if created:
        user.set_password("x" * 12)
        user.save()
    user.groups.add(Group.objects.get_or_create(name="Moderators")[0])
    return user


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
        page = AlertPage.objects.get(pk=page.pk)
        state = page.current_workflow_task_state.specific
        state.task.specific.on_action(state, person, "approve")
    return AlertPage.objects.get(pk=page.pk)


def publish_alert(title: str, *, urgency="standard", areas=(), translations=(), **fields):
    """An approved, published alert under the English alert index, with
    approved translations (language codes) whose titles are prefixed with the
    language code. Approved by real Moderators through the workflow."""
    index = ensure_site_tree()
    fields.setdefault("every_area", not areas)  # no area: an explicit "every area"
    alert = AlertPage(title=title, summary=f"Summary of {title}.", urgency=urgency, **fields)
    index.add_child(instance=alert)
    alert.areas.set(areas)
    alert.save_revision()
    alert = approve(alert)
    for code in translations:
        locale = Locale.objects.get(language_code=code)
        translated = alert.copy_for_translation(locale, copy_parents=True)
        translated.title = f"[{code}] {title}"
        translated.summary = f"[{code}] Summary."
        translated.save_revision()
        approve(translated)
    return alert


def alert_page(pk: int) -> AlertPage:
    return AlertPage.objects.get(pk=pk)
