"""On PostgreSQL, trigram indexes make the commons search (``LIKE '% stem %'`` on the stored stems)
an index scan instead of reading every item. SQLite has no such index and needs none at its size.
Creating the pg_trgm extension needs a role allowed to (the database owner on PostgreSQL 13+, as
pg_trgm is a trusted extension)."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS commons_resource_search_trgm ON commons_resource USING gin (search_stems gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS commons_resource_search_trgm"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("commons", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
