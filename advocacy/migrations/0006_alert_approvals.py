"""Alert approvals per revision, and the approved revision on each alert page.

An alert is shown and sent only when its live revision is the approved one
(``advocacy.approval``). Alerts made live before this rule have no approved
revision: they stay hidden until approved through the "Alert approval"
workflow, which is the point.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("advocacy", "0005_alert_every_area"),
        ("wagtailcore", "0098_apitoken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="alertpage",
            name="approved_revision",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="wagtailcore.revision",
            ),
        ),
        migrations.CreateModel(
            name="AlertApproval",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("approved_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "approver",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "revision",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="alert_approvals",
                        to="wagtailcore.revision",
                    ),
                ),
            ],
            options={
                "verbose_name": "alert approval",
                "verbose_name_plural": "alert approvals",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("revision", "approver"), name="alert_approval_once_per_person"
                    )
                ],
            },
        ),
    ]
