"""Drop the indexes that the models meant not to have: ``AreaCodeField(db_index=False)`` was
deconstructed without its ``db_index``, so its migrations made an index (two on PostgreSQL)
that nothing reads; and the sessions' own index of ``nas_id`` (the open sessions' (nas,
status) index serves every read). Every accounting report wrote them.

Only the indexes are dropped (``DROP INDEX``), so no table is rebuilt: Django's ``AlterField``
would copy the whole table on SQLite and drop and re-validate the foreign key on PostgreSQL.
"""

import django.db.models.deletion
from django.db import migrations, models

import pracharat.core.models

# (table, column, index name): Django's names, the same on both databases.
INDEXES = [
    ("network_accountingsession", "area_code", "network_accountingsession_area_code_af634fe7"),
    ("network_accountingsession", "nas_id", "network_accountingsession_nas_id_92ded5bb"),
    ("network_areadailyusage", "area_code", "network_areadailyusage_area_code_57466ba9"),
    ("network_dailyusage", "area_code", "network_dailyusage_area_code_4ddf28b6"),
    ("network_monthlyusage", "area_code", "network_monthlyusage_area_code_5c187827"),
]


def drop(apps, schema_editor):
    for _table, column, name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
        if column == "area_code":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}_like"')


def create(apps, schema_editor):
    pg = schema_editor.connection.vendor == "postgresql"
    for table, column, name in INDEXES:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")')
        if pg and column == "area_code":
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}_like" ON "{table}"'
                f' ("{column}" varchar_pattern_ops)'
            )


def area_code(model_name):
    return migrations.AlterField(
        model_name=model_name,
        name="area_code",
        field=pracharat.core.models.AreaCodeField(db_index=False, verbose_name="area code"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0009_monthly_max_daily_users"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, create)],
            state_operations=[
                area_code("accountingsession"),
                migrations.AlterField(
                    model_name="accountingsession",
                    name="nas",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="sessions",
                        to="network.nas",
                        verbose_name="device",
                    ),
                ),
                area_code("areadailyusage"),
                area_code("dailyusage"),
                area_code("monthlyusage"),
            ],
        ),
    ]
