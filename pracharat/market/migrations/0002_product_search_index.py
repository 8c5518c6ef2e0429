"""The product search index, built differently on each database (see market/search.py).

SQLite: an FTS5 virtual table whose rowid is the product id. Its tokenizer keeps Thai tokens
whole (``unicode61`` would split them at vowel and tone marks); the text is already segmented
by ``lib.thaisearch.index_text``. BM25 ranking weighs the title 4x the body.

PostgreSQL: a plain table with a GIN index over the weighted 'simple' tsvector of both
columns; ``search.py`` queries exactly that expression so the index serves it.

Django's state is an ordinary model, so the ORM can read, write and cascade-delete the rows.
"""

import django.db.models.deletion
from django.db import migrations, models

import pracharat.market.models

FTS5_CREATE = (
    "CREATE VIRTUAL TABLE market_productindex USING fts5("
    "title, body, tokenize=\"unicode61 categories 'L* N* Co M*'\")"
)
FTS5_RANK = (
    "INSERT INTO market_productindex(market_productindex, rank) VALUES ('rank', 'bm25(4.0, 1.0)')"
)
PG_GIN = (
    "CREATE INDEX market_productindex_fts ON market_productindex USING GIN (("
    "setweight(to_tsvector('simple'::regconfig, title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body), 'B')))"
)


def create_index_table(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        schema_editor.execute(FTS5_CREATE)
        schema_editor.execute(FTS5_RANK)
        return
    schema_editor.create_model(apps.get_model("market", "ProductIndex"))
    if connection.vendor == "postgresql":
        schema_editor.execute(PG_GIN)


def drop_index_table(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE market_productindex")
        return
    schema_editor.delete_model(apps.get_model("market", "ProductIndex"))


class Migration(migrations.Migration):
    dependencies = [
        ("market", "0001_market_models"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProductIndex",
                    fields=[
                        (
                            "product",
                            models.OneToOneField(
                                db_column="rowid",
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="search_index",
                                serialize=False,
                                to="market.product",
                            ),
                        ),
                        ("title", pracharat.market.models.SearchDocumentField()),
                        ("body", pracharat.market.models.SearchDocumentField()),
                    ],
                    options={
                        "verbose_name": "search index entry",
                        "verbose_name_plural": "search index",
                    },
                ),
            ],
        ),
        # After the state knows the model, so RunPython's ``apps`` has it for create_model.
        migrations.RunPython(create_index_table, drop_index_table),
    ]
