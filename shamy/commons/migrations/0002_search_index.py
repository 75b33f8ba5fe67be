"""On PostgreSQL the commons search matches stems through a full-text index: the stored stems,
read as a ``simple`` text-search vector (no further stemming: the keys are already folded and
stemmed by ``shamy.commons.search``), under a GIN index. SQLite matches the same stems with LIKE."""

from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS commons_resource_stems_fts ON commons_resource "
    "USING gin (to_tsvector('simple'::regconfig, search_stems))",
]
BACKWARD = ["DROP INDEX IF EXISTS commons_resource_stems_fts"]


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
