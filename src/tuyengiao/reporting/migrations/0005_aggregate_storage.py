"""PostgreSQL: the cached sums are updated in place by every form (the root's and a province's
rows by every form of the country), so each page keeps room for new row versions (fillfactor
70: updates stay on their page and skip the index) and autovacuum clears the dead ones after a
few thousand updates rather than after a fifth of the table. On the national-scale data the
share of those updates that stay on their page went from 19 % to 63 % (docs/BENCHMARKS.md)."""

from django.db import migrations

TUNED = (
    "ALTER TABLE reporting_aggregate SET (fillfactor = 70, "
    "autovacuum_vacuum_scale_factor = 0.0, autovacuum_vacuum_threshold = 5000, "
    "autovacuum_analyze_scale_factor = 0.02)"
)
DEFAULTS = (
    "ALTER TABLE reporting_aggregate RESET (fillfactor, autovacuum_vacuum_scale_factor, "
    "autovacuum_vacuum_threshold, autovacuum_analyze_scale_factor)"
)


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("reporting", "0004_values_unit_first")]

    operations = [migrations.RunPython(_on_postgresql(TUNED), _on_postgresql(DEFAULTS))]
