"""Transfer slips leave MEDIA_ROOT (public at guessable /media/ URLs) for the private storage,
under random names; reversing moves them back (under new random names)."""

import pracharat.market.models
from django.core.files.storage import default_storage
from django.db import migrations, models

import pracharat.core.storage
from pracharat.core.storage import get_private_storage, relocate


def to_private(apps, schema_editor):
    model = apps.get_model("market", "Payment")
    relocate(model, "slip", default_storage, get_private_storage(), "market/slips")


def to_public(apps, schema_editor):
    model = apps.get_model("market", "Payment")
    relocate(model, "slip", get_private_storage(), default_storage, "market/slips")


class Migration(migrations.Migration):

    dependencies = [
        ('market', '0005_pg_stored_search_vector'),
    ]

    operations = [
        migrations.AlterField(
            model_name='payment',
            name='slip',
            field=models.FileField(blank=True, storage=pracharat.core.storage.get_private_storage, upload_to=pracharat.market.models.slip_path, verbose_name='transfer slip'),
        ),
        migrations.RunPython(to_private, to_public),
    ]
