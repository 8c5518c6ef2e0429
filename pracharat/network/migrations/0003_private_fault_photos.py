"""Fault-report photos leave MEDIA_ROOT (public at guessable /media/ URLs) for the private storage,
under random names; reversing moves them back (under new random names)."""

import pracharat.network.models
from django.core.files.storage import default_storage
from django.db import migrations, models

import pracharat.core.storage
from pracharat.core.storage import get_private_storage, relocate


def to_private(apps, schema_editor):
    model = apps.get_model("network", "FaultReport")
    relocate(model, "photo", default_storage, get_private_storage(), "network/faults")


def to_public(apps, schema_editor):
    model = apps.get_model("network", "FaultReport")
    relocate(model, "photo", get_private_storage(), default_storage, "network/faults")


class Migration(migrations.Migration):

    dependencies = [
        ('network', '0002_drop_redundant_session_point_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='faultreport',
            name='photo',
            field=models.FileField(blank=True, storage=pracharat.core.storage.get_private_storage, upload_to=pracharat.network.models.fault_photo_path, verbose_name='photo'),
        ),
        migrations.RunPython(to_private, to_public),
    ]
