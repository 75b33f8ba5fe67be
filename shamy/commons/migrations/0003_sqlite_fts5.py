"""On SQLite (the embedded installation) the commons search matches the stored stems through an
FTS5 index: ``commons_resource_fts``, an external-content FTS5 table over ``search_stems`` kept by
triggers on insert, update and delete. The stems are already folded and stemmed by
``shamy.commons.search`` and separated by spaces, so the ``unicode61`` tokenizer (diacritics kept)
gives back exactly the stored keys, and a match is the same as PostgreSQL's GIN match.

Caution: Django's SQLite schema editor rebuilds a table for most field changes, which drops its
triggers. ``shamy/commons/tests/test_search.py`` checks that the triggers exist after all
migrations; a later migration that alters ``commons_resource`` on SQLite must run FORWARD again."""

from django.db import migrations

FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS commons_resource_fts USING fts5("
    "search_stems, content='commons_resource', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER IF NOT EXISTS commons_resource_fts_insert AFTER INSERT ON commons_resource BEGIN "
    "INSERT INTO commons_resource_fts(rowid, search_stems) VALUES (new.id, new.search_stems); END",
    "CREATE TRIGGER IF NOT EXISTS commons_resource_fts_delete AFTER DELETE ON commons_resource BEGIN "
    "INSERT INTO commons_resource_fts(commons_resource_fts, rowid, search_stems) "
    "VALUES ('delete', old.id, old.search_stems); END",
    "CREATE TRIGGER IF NOT EXISTS commons_resource_fts_update AFTER UPDATE ON commons_resource BEGIN "
    "INSERT INTO commons_resource_fts(commons_resource_fts, rowid, search_stems) "
    "VALUES ('delete', old.id, old.search_stems); "
    "INSERT INTO commons_resource_fts(rowid, search_stems) VALUES (new.id, new.search_stems); END",
    "INSERT INTO commons_resource_fts(commons_resource_fts) VALUES ('rebuild')",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS commons_resource_fts_insert",
    "DROP TRIGGER IF EXISTS commons_resource_fts_delete",
    "DROP TRIGGER IF EXISTS commons_resource_fts_update",
    "DROP TABLE IF EXISTS commons_resource_fts",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("commons", "0002_search_index")]
    operations = [migrations.RunPython(forward, backward)]
