"""A home page in each of the twelve languages, as translations of one page.

A fresh database then serves /en/, /es/, /ar/ … and wagtail-localize can sync
the translations later (they share one translation_key).
"""

import uuid

from django.conf import settings
from django.db import migrations

# treebeard's materialised path: four base-36 digits per level.
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _path(parent_path, position):
    digits = ""
    number = position
    for _ in range(4):
        digits = ALPHABET[number % 36] + digits
        number //= 36
    return parent_path + digits


def create_home_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Locale = apps.get_model("wagtailcore.Locale")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("cms.HomePage")

    locales = {}
    for code, _name in settings.LANGUAGES:
        locales[code], _ = Locale.objects.get_or_create(language_code=code)

    if HomePage.objects.exists():
        return
    # Wagtail's initial data: a root page and a "Welcome" page under it.
    Page.objects.filter(depth=2, content_type__model="page", content_type__app_label="wagtailcore").delete()
    root = Page.objects.get(depth=1)
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="cms")
    translation_key = uuid.uuid4()
    existing = Page.objects.filter(depth=2).count()
    home_en = None
    for position, (code, _name) in enumerate(settings.LANGUAGES, start=existing + 1):
        slug = "home" if code == settings.LANGUAGE_CODE else f"home-{code}"
        page = HomePage.objects.create(
            title="Faro",
            draft_title="Faro",
            slug=slug,
            content_type=content_type,
            path=_path(root.path, position),
            depth=2,
            numchild=0,
            url_path=f"/{slug}/",
            locale=locales[code],
            translation_key=translation_key,
            live=True,
            has_unpublished_changes=False,
        )
        if code == settings.LANGUAGE_CODE:
            home_en = page
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])

    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=home_en, is_default_site=True, site_name="Faro")


def remove_home_pages(apps, schema_editor):
    apps.get_model("cms.HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_home_pages, remove_home_pages)]
