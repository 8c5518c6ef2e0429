"""``MonthlyUsage.max_daily_users``: the most users of one day in the month, so a review over
whole months (the worth review's fiscal year) reads 12 monthly rows per point instead of 365
daily ones. Existing months are filled from their days."""

from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    from pracharat.core.lib.thaidate import next_month

    DailyUsage = apps.get_model("network", "DailyUsage")
    MonthlyUsage = apps.get_model("network", "MonthlyUsage")
    for month in MonthlyUsage.objects.order_by().values_list("month", flat=True).distinct():
        busiest = (
            DailyUsage.objects.filter(
                service_point_id=OuterRef("service_point_id"),
                day__gte=month,
                day__lt=next_month(month),
            )
            .order_by()
            .values("service_point_id")
            .annotate(n=Max("unique_users"))
            .values("n")
        )
        MonthlyUsage.objects.filter(month=month).update(
            max_daily_users=Coalesce(Subquery(busiest), 0)
        )


class Migration(migrations.Migration):
    dependencies = [("network", "0008_session_partitions")]

    operations = [
        migrations.AddField(
            model_name="monthlyusage",
            name="max_daily_users",
            field=models.PositiveIntegerField(default=0, verbose_name="users on the busiest day"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
