"""The Thai dictionary collation (ICU ``th-TH``) on PostgreSQL, named like the one SQLite
connections register (``core.collation.THAI``); nothing to do on SQLite."""

from django.contrib.postgres.operations import CreateCollation
from django.db import migrations


class CreateCollationOnPostgres(CreateCollation):
    """``CreateCollation`` whose reverse, too, runs on PostgreSQL only."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_notification_log")]

    operations = [CreateCollationOnPostgres("th_th", provider="icu", locale="th-TH")]
