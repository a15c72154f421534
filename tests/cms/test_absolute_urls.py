"""Absolute links come from SITE_URL, never from a request's Host or a stale
Site record: in the cached Atom feed, the cached API's `next`/`previous` and
`url` fields, and Wagtail's own workflow emails."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.cache import cache
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from tests.factories.know_your_rights import make_guide

pytestmark = pytest.mark.django_db

# Both are allowed host names for the same server; only SITE_URL may appear.
HOSTS = ("localhost", "127.0.0.1")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def links_in(text: str) -> list[str]:
    """Every http(s) link in `text`, but XML namespaces and DTDs (w3.org)."""
    urls = re.findall(r"https?://[^\s\"'<>]+", text)
    return [url for url in urls if not url.startswith("http://www.w3.org/")]


def assert_on_site_url(urls: list[str]) -> None:
    assert urls, "there are links to check"
    for url in urls:
        assert url.startswith(f"{settings.SITE_URL}/"), url


def test_the_feed_links_to_site_url_whichever_host_asked_first(client):
    for host in HOSTS:
        response = client.get("/en/alerts/feed/", HTTP_HOST=host)
        assert response.status_code == 200
        feed = response.content.decode()
        assert f'href="{settings.SITE_URL}/en/alerts/"' in feed
        assert f'href="{settings.SITE_URL}/en/alerts/feed/"' in feed
        assert_on_site_url(links_in(feed))


def test_api_next_previous_and_url_use_site_url_whichever_host_asked_first(client):
    for number in range(3):
        make_guide(f"guide-{number}")
    for host in HOSTS:
        first = client.get("/api/v1/guides/?lang=en&page_size=1", HTTP_HOST=host).json()
        second = client.get("/api/v1/guides/?lang=en&page_size=1&page=2", HTTP_HOST=host).json()
        assert first["next"] == f"{settings.SITE_URL}/api/v1/guides/?lang=en&page=2&page_size=1"
        assert second["previous"] == f"{settings.SITE_URL}/api/v1/guides/?lang=en&page_size=1"
        assert second["next"].startswith(f"{settings.SITE_URL}/api/v1/guides/?")
        for answer in (first, second):
            (guide,) = answer["results"]
            assert guide["url"] == f"{settings.SITE_URL}/en/guides/{guide['slug']}/"


def test_wagtails_default_site_follows_site_url():
    site = Site.objects.get(is_default_site=True)
    parts = urlsplit(settings.SITE_URL)
    assert site.hostname == parts.hostname
    assert site.root_url == settings.SITE_URL


def test_wagtails_workflow_emails_link_to_site_url(client, django_user_model):
    editor = django_user_model.objects.create_user(
        "workflow-editor", "editor@example.org", "x" * 12
    )
    reviewer = django_user_model.objects.create_user(
        "workflow-reviewer", "reviewer@example.org", "x" * 12
    )
    reviewers, _ = Group.objects.get_or_create(name="Workflow test reviewers")
    reviewers.permissions.add(Permission.objects.get(codename="access_admin"))
    reviewer.groups.add(reviewers)
    task = GroupApprovalTask.objects.create(name="Test review")
    task.groups.add(reviewers)
    workflow = Workflow.objects.create(name="Test review workflow", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    guide = make_guide("reviewed-guide", publish=False)
    WorkflowPage.objects.update_or_create(page=guide, defaults={"workflow": workflow})
    for codename in ("change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=reviewers, page=guide, permission=Permission.objects.get(codename=codename)
        )
    guide.save_revision(user=editor)
    mail.outbox.clear()

    workflow.start(guide, editor)
    submitted = [message for message in mail.outbox if reviewer.email in message.to]
    guide.refresh_from_db()
    state = guide.current_workflow_task_state.specific
    state.task.specific.on_action(state, reviewer, "approve")
    approved = [message for message in mail.outbox if editor.email in message.to]

    assert submitted and approved, [message.subject for message in mail.outbox]
    for message in (*submitted, *approved):
        bodies = [message.body] + [content for content, _type in message.alternatives]
        assert_on_site_url([url for body in bodies for url in links_in(body)])
    # The "view the page" link: the published guide on SITE_URL.
    assert f"{settings.SITE_URL}/en/guides/reviewed-guide/" in approved[0].body
