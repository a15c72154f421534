"""Groups Editors, Moderators, Translators and the "Legal review" workflow.

Other apps add their own permissions to the same groups with get_or_create,
so the names here are fixed.
"""

from django.conf import settings
from django.db import migrations

PAGE_PERMISSIONS = {
    # English (source) tree: Editors write and submit to Legal review,
    # Moderators publish. Translators never touch the source.
    "source": {
        "Editors": ["add_page", "change_page"],
        "Moderators": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    },
    # The other eleven trees hold translations: they are published marked
    # "needs review" until an Editor or Moderator approves them.
    "translations": {
        "Editors": ["add_page", "change_page", "publish_page"],
        "Moderators": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
        "Translators": ["add_page", "change_page", "publish_page"],
    },
}

MODEL_PERMISSIONS = {
    "Editors": [
        ("wagtailadmin", "admin", "access_admin"),
        ("know_your_rights", "policysource", "add_policysource"),
        ("know_your_rights", "policysource", "change_policysource"),
        ("know_your_rights", "policysource", "view_policysource"),
        ("know_your_rights", "policystatement", "add_policystatement"),
        ("know_your_rights", "policystatement", "change_policystatement"),
        ("know_your_rights", "policystatement", "view_policystatement"),
        ("know_your_rights", "hotline", "add_hotline"),
        ("know_your_rights", "hotline", "change_hotline"),
        ("know_your_rights", "hotline", "view_hotline"),
        ("know_your_rights", "helplinesettings", "change_helplinesettings"),
        ("know_your_rights", "translationapproval", "approve_translation"),
        ("wagtail_localize", "translation", "submit_translation"),
    ],
    "Moderators": [
        ("wagtailadmin", "admin", "access_admin"),
        ("know_your_rights", "policysource", "add_policysource"),
        ("know_your_rights", "policysource", "change_policysource"),
        ("know_your_rights", "policysource", "delete_policysource"),
        ("know_your_rights", "policysource", "view_policysource"),
        ("know_your_rights", "policystatement", "add_policystatement"),
        ("know_your_rights", "policystatement", "change_policystatement"),
        ("know_your_rights", "policystatement", "delete_policystatement"),
        ("know_your_rights", "policystatement", "view_policystatement"),
        ("know_your_rights", "hotline", "add_hotline"),
        ("know_your_rights", "hotline", "change_hotline"),
        ("know_your_rights", "hotline", "delete_hotline"),
        ("know_your_rights", "hotline", "view_hotline"),
        ("know_your_rights", "helplinesettings", "change_helplinesettings"),
        ("know_your_rights", "translationapproval", "approve_translation"),
        ("wagtail_localize", "translation", "submit_translation"),
    ],
    "Translators": [
        ("wagtailadmin", "admin", "access_admin"),
        ("know_your_rights", "policysource", "view_policysource"),
        ("know_your_rights", "policystatement", "change_policystatement"),
        ("know_your_rights", "policystatement", "view_policystatement"),
        ("know_your_rights", "hotline", "change_hotline"),
        ("know_your_rights", "hotline", "view_hotline"),
        ("wagtail_localize", "translation", "submit_translation"),
    ],
}


def _ensure_permissions(apps):
    """Permissions are normally made after migrations; this one needs them now."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_contenttypes(app_config, verbosity=0, apps=apps)
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None


def create_roles(apps, schema_editor):
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    HomePage = apps.get_model("cms", "HomePage")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    groups = {name: Group.objects.get_or_create(name=name)[0] for name in MODEL_PERMISSIONS}
    for name, triples in MODEL_PERMISSIONS.items():
        for app_label, model, codename in triples:
            permission = Permission.objects.get(
                content_type__app_label=app_label, content_type__model=model, codename=codename
            )
            groups[name].permissions.add(permission)

    page_permission = {
        codename: Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        for codename in {c for tree in PAGE_PERMISSIONS.values() for cs in tree.values() for c in cs}
    }
    for home in HomePage.objects.select_related("locale"):
        tree = "source" if home.locale.language_code == settings.LANGUAGE_CODE else "translations"
        for name, codenames in PAGE_PERMISSIONS[tree].items():
            for codename in codenames:
                GroupPagePermission.objects.get_or_create(
                    group=groups[name], page_id=home.pk, permission=page_permission[codename]
                )

    workflow, _ = Workflow.objects.get_or_create(name="Legal review", defaults={"active": True})
    if not WorkflowTask.objects.filter(workflow=workflow).exists():
        task_type = ContentType.objects.get(app_label="wagtailcore", model="groupapprovaltask")
        task = GroupApprovalTask.objects.create(
            name="Legal review by a Moderator", content_type=task_type, active=True
        )
        task.groups.add(groups["Moderators"])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)


def remove_roles(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name="Legal review").delete()
    apps.get_model("wagtailcore", "Task").objects.filter(name="Legal review by a Moderator").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("know_your_rights", "0001_initial"),
        ("cms", "0002_create_home_pages"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "__latest__"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
        ("auth", "__latest__"),
        ("contenttypes", "__latest__"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
