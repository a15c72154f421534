"""The seeded Patch article is a news report, not a memo.

Migration 0006 gave every existing source the kind "memo" (its default). The
one source the seed ever wrote that is not a memo is the Patch article; it
and its translations (the kind is synchronised) become news reports. Sources
an editor added are left as they are.
"""

from django.db import migrations

ARTICLE_TITLE = "NYPD Officers 'Want To Cooperate With ICE,' Union President Says"


def article_is_a_news_report(apps, schema_editor):
    PolicySource = apps.get_model("know_your_rights", "PolicySource")
    keys = PolicySource.objects.filter(title=ARTICLE_TITLE, issuer="Patch").values(
        "translation_key"
    )
    PolicySource.objects.filter(translation_key__in=keys, kind="memo").update(kind="news_report")


class Migration(migrations.Migration):
    dependencies = [
        ("know_your_rights", "0007_short_links"),
    ]

    operations = [
        migrations.RunPython(article_is_a_news_report, migrations.RunPython.noop),
    ]
