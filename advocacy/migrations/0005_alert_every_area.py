"""AlertPage.every_area: sending to every area is an explicit choice.

Until now an alert with no areas silently concerned everyone; those alerts
keep their audience by getting ``every_area=True``.
"""

import modelcluster.fields
from django.db import migrations, models


def mark_existing_citywide_alerts(apps, schema_editor):
    AlertPage = apps.get_model("advocacy", "AlertPage")
    AlertPage.objects.filter(areas__isnull=True).update(every_area=True)


class Migration(migrations.Migration):
    dependencies = [
        ("advocacy", "0004_subscriber_manage_token_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="alertpage",
            name="every_area",
            field=models.BooleanField(
                default=False,
                help_text="Tick to send this alert to subscribers in every area. Needed when no area is ticked above.",
                verbose_name="every area",
            ),
        ),
        migrations.AlterField(
            model_name="alertpage",
            name="areas",
            field=modelcluster.fields.ParentalManyToManyField(
                blank=True,
                help_text="Tick the areas it concerns. An alert for a borough reaches its neighbourhoods.",
                related_name="alerts",
                to="advocacy.area",
                verbose_name="areas",
            ),
        ),
        migrations.RunPython(mark_existing_citywide_alerts, migrations.RunPython.noop),
    ]
