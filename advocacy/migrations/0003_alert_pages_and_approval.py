"""Alert index pages (slug `alerts`) under every home page, and their approval workflow.

The "Alert approval" workflow has one ``AlertApprovalTask`` for the group
Moderators: one approval for a standard alert, two different people, neither
the author, for an urgent one. It is assigned to every alert index page, so
every alert (and every translation of one) is approved before it goes live.
Groups are fetched with get_or_create by name: this migration depends on no
other app's data.
"""

import uuid

from django.conf import settings
from django.db import migrations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _step(position):
    digits = ""
    for _ in range(4):
        digits = ALPHABET[position % 36] + digits
        position //= 36
    return digits


def _next_child_path(Page, parent):
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    position = int(last[-4:], 36) + 1 if last else 1
    return parent.path + _step(position)


def create_alert_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("cms", "HomePage")
    AlertIndexPage = apps.get_model("advocacy", "AlertIndexPage")
    AlertApprovalTask = apps.get_model("advocacy", "AlertApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")

    moderators, _ = Group.objects.get_or_create(name="Moderators")
    for name in ("Editors", "Translators"):
        Group.objects.get_or_create(name=name)

    workflow, _ = Workflow.objects.get_or_create(name="Alert approval", defaults={"active": True})
    if not WorkflowTask.objects.filter(workflow=workflow).exists():
        task_type, _ = ContentType.objects.get_or_create(
            app_label="advocacy", model="alertapprovaltask"
        )
        task = AlertApprovalTask.objects.create(
            name="Alert approval by Moderators (urgent: two people, not the author)",
            content_type=task_type,
            active=True,
        )
        task.groups.add(moderators)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)

    page_type, _ = ContentType.objects.get_or_create(app_label="advocacy", model="alertindexpage")
    translation_key = uuid.uuid4()
    homes = list(HomePage.objects.select_related("locale").order_by("path"))
    # The source language first, so its index is the one translations point to.
    homes.sort(key=lambda home: home.locale.language_code != settings.LANGUAGE_CODE)
    for home in homes:
        existing = AlertIndexPage.objects.filter(path__startswith=home.path, depth=home.depth + 1)
        index = existing.first()
        if index is None:
            path = _next_child_path(Page, home)
            index = AlertIndexPage.objects.create(
                title="Alerts",
                draft_title="Alerts",
                slug="alerts",
                content_type=page_type,
                path=path,
                depth=home.depth + 1,
                numchild=0,
                url_path=f"{home.url_path}alerts/",
                locale_id=home.locale_id,
                translation_key=translation_key,
                live=True,
                has_unpublished_changes=False,
                intro="",
            )
            Page.objects.filter(pk=home.pk).update(
                numchild=Page.objects.filter(
                    path__startswith=home.path, depth=home.depth + 1
                ).count()
            )
        WorkflowPage.objects.get_or_create(page_id=index.pk, defaults={"workflow": workflow})


def remove_alert_pages(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name="Alert approval").delete()
    apps.get_model("advocacy", "AlertApprovalTask").objects.all().delete()
    apps.get_model("advocacy", "AlertIndexPage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("advocacy", "0002_alerts"),
        ("cms", "0002_create_home_pages"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "__latest__"),
        ("contenttypes", "__latest__"),
    ]

    operations = [migrations.RunPython(create_alert_pages, remove_alert_pages)]
