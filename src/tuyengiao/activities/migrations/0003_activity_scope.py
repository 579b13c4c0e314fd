"""Scope rows of activities (who sees each one), filled for the activities already recorded."""

import django.db.models.deletion
from django.db import migrations, models

# As activities.scope writes them: every unit the organiser was ever under, itself included.
FILL = """
INSERT INTO activities_activityscope (unit_id, activity_id, start_date, end_date, kind)
SELECT DISTINCT c.ancestor_id, a.id, a.start_date, a.end_date, a.kind
FROM activities_activity a JOIN orgs_unitclosure c ON c.descendant_id = a.organiser_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0002_subtree_indexes"),
        ("orgs", "0002_closure_and_demo_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="ActivityScope",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("start_date", models.DateField()),
                ("end_date", models.DateField()),
                ("kind", models.CharField(max_length=16)),
                (
                    "activity",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="scopes",
                        to="activities.activity",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="orgs.orgunit",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["unit", "-start_date", "-activity", "end_date", "kind"],
                        name="activity_scope_newest",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("activity", "unit"), name="one_scope_row_per_unit"
                    )
                ],
            },
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
