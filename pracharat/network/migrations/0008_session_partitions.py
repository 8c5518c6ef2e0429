"""Accounting sessions by month: a ``bucket`` column (the local month the session started in),
the unique key (session_key, bucket), and on PostgreSQL the table turned into a partitioned one
(``network.partitions.convert``)."""

from django.conf import settings
from django.db import migrations, models


def fill_buckets(apps, schema_editor):
    table = "network_accountingsession"
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} SET bucket ="
                " date_trunc('month', started_at AT TIME ZONE %s)::date",
                [settings.TIME_ZONE],
            )
            return
    from pracharat.network.partitions import bucket_of

    Session = apps.get_model("network", "AccountingSession")
    pending = []
    for pk, started_at in Session.objects.values_list("pk", "started_at").iterator(5000):
        pending.append(Session(pk=pk, bucket=bucket_of(started_at)))
        if len(pending) >= 5000:
            Session.objects.bulk_update(pending, ["bucket"])
            pending = []
    Session.objects.bulk_update(pending, ["bucket"])


def to_partitions(apps, schema_editor):
    from pracharat.network.partitions import convert

    convert(schema_editor)


def from_partitions(apps, schema_editor):
    from pracharat.network.partitions import unconvert

    unconvert(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0006_registry_contracts_references_alerts"),
    ]

    operations = [
        migrations.AddField(
            model_name="accountingsession",
            name="bucket",
            field=models.DateField(editable=False, null=True, verbose_name="month started"),
        ),
        migrations.RunPython(fill_buckets, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="accountingsession",
            name="bucket",
            field=models.DateField(editable=False, verbose_name="month started"),
        ),
        migrations.AlterField(
            model_name="accountingsession",
            name="session_key",
            field=models.CharField(max_length=64, verbose_name="unique session id"),
        ),
        migrations.AddConstraint(
            model_name="accountingsession",
            constraint=models.UniqueConstraint(
                fields=("session_key", "bucket"), name="network_session_key"
            ),
        ),
        migrations.RunPython(to_partitions, from_partitions),
    ]
