"""The session and rollup-mark tables keep their references without foreign key constraints.

Every row the listener writes fired the constraints' checks (on PostgreSQL a ``SELECT ... FOR
KEY SHARE`` of the point and the device per row, shared by every writer): 13-21 % of the
database's CPU per packet in bench/radius_vs_freeradius.py. FreeRADIUS's ``radacct`` has none
either. The writers store only points and devices they looked up, and deletions go through
the ORM, which applies PROTECT, SET_NULL and CASCADE itself. PostgreSQL drops the constraints
(on the partitioned table, with its partitions'); SQLite rebuilds the two tables.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0010_session_indexes_only_those_read"),
    ]

    operations = [
        migrations.AlterField(
            model_name="accountingsession",
            name="nas",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="sessions",
                to="network.nas",
                verbose_name="device",
            ),
        ),
        migrations.AlterField(
            model_name="accountingsession",
            name="service_point",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sessions",
                to="network.servicepoint",
                verbose_name="service point",
            ),
        ),
        migrations.AlterField(
            model_name="rollupmark",
            name="service_point",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="network.servicepoint",
            ),
        ),
    ]
