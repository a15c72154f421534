"""Alert approval: one Moderator for a standard alert; two different people,
neither the author (superusers included), for an urgent one."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from wagtail.models import Workflow, WorkflowPage, WorkflowTask

from advocacy.models import AlertApprovalTask, AlertIndexPage, AlertPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def workflow(site_tree):
    """The "Alert approval" workflow on the alert index (made by migration 0003)."""
    index = site_tree.alert_index
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    flow, _ = Workflow.objects.get_or_create(name="Alert approval", defaults={"active": True})
    if not WorkflowTask.objects.filter(workflow=flow).exists():
        task = AlertApprovalTask.objects.create(name="Alert approval")
        task.groups.add(moderators)
        WorkflowTask.objects.create(workflow=flow, task=task, sort_order=0)
    WorkflowPage.objects.get_or_create(page=index, defaults={"workflow": flow})
    return flow


def person(name, group=None, superuser=False):
    user = User.objects.create_user(name, f"{name}@example.org", "x" * 12)
    user.is_superuser = superuser
    user.is_staff = superuser
    user.save()
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def submit(author, urgency):
    index = AlertIndexPage.objects.get(locale__language_code="en")
    alert = AlertPage(title=f"{urgency} alert", summary="Reported.", urgency=urgency, live=False)
    alert.owner = author
    index.add_child(instance=alert)
    alert.save_revision(user=author)
    alert.get_workflow().start(alert, author)
    alert.refresh_from_db()
    state = alert.current_workflow_task_state.specific
    return alert, state, state.task.specific


def test_every_alert_index_page_has_the_alert_approval_workflow():
    for index in AlertIndexPage.objects.all():
        assert index.get_workflow().name == "Alert approval"
    assert AlertIndexPage.objects.filter(slug="alerts").count() >= 1


def test_standard_alert_goes_live_after_one_moderator(workflow):
    author = person("editor", "Editors")
    moderator = person("mod", "Moderators")
    alert, state, task = submit(author, "standard")
    with pytest.raises(PermissionDenied):
        task.on_action(state, author, "approve")  # not a Moderator
    task.on_action(state, moderator, "approve")
    alert.refresh_from_db()
    assert alert.live


def test_urgent_alert_needs_two_people_neither_the_author(workflow):
    author = person("author", "Moderators")
    first = person("first", "Moderators")
    second = person("second", "Moderators")
    alert, state, task = submit(author, "urgent")

    assert "approve" not in [name for name, *_ in task.get_actions(alert, author)]
    with pytest.raises(PermissionDenied):
        task.on_action(state, author, "approve")

    task.on_action(state, first, "approve")
    alert.refresh_from_db()
    state.refresh_from_db()
    assert not alert.live, "one approval is not enough for an urgent alert"
    assert state.status == "in_progress"
    with pytest.raises(PermissionDenied):
        task.on_action(state, first, "approve")  # the same person twice

    task.on_action(state, second, "approve")
    alert.refresh_from_db()
    assert alert.live


def test_a_superuser_cannot_approve_their_own_urgent_alert(workflow):
    boss = person("boss", superuser=True)
    moderator = person("mod2", "Moderators")
    alert, state, task = submit(boss, "urgent")
    with pytest.raises(PermissionDenied):
        task.on_action(state, boss, "approve")
    task.on_action(state, moderator, "approve")
    alert.refresh_from_db()
    assert not alert.live, "a single approver, even with the author a superuser, is not enough"
