"""PostgreSQL: the commons search ranks its matches in a narrow table, not in ``commons_resource``.

Profiling showed a common word ("школы", a fifth of 100,000 items) found through the GIN index of
0002 in ~46 ms, then every match read from the item table (1.4 kB rows: the summary and the stems)
to rank it: the whole 144 MB table per query. Here every item gets a search row of ~300 bytes
(``commons_resource_search``): the columns the search filters and ranks by, and its stems as
integer ids of a dictionary of stems (``commons_search_key``): ``key_ids`` (every stem, under a
GIN index) and ``title_key_ids`` (the title's, to rank title matches first). A query word matches
when ``key_ids && ARRAY[ids of its keys]``: exactly the stems match of before, so recall does not
change. Triggers on ``commons_resource`` keep the rows (insert, update, delete, truncate), so
``bulk_create`` and every writer are covered; the migration fills them for existing items and
drops 0002's index, which nothing reads any more.

SQLite (no arrays) keeps the FTS5 index of 0003; nothing changes there."""

import django.db.models.deletion
from django.db import migrations, models

FORWARD = [
    "CREATE TABLE IF NOT EXISTS commons_search_key (id serial PRIMARY KEY, key text NOT NULL UNIQUE)",
    """CREATE TABLE IF NOT EXISTS commons_resource_search (
        id bigint PRIMARY KEY,
        status varchar(10) NOT NULL,
        published_at timestamptz NULL,
        language varchar(5) NOT NULL,
        kind varchar(12) NOT NULL,
        country varchar(2) NOT NULL,
        theme_id bigint NULL,
        public_summary_id bigint NULL,
        key_ids integer[] NOT NULL,
        title_key_ids integer[] NOT NULL
    )""",
    """CREATE OR REPLACE FUNCTION commons_resource_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        stems text[] := array_remove(string_to_array(btrim(NEW.search_stems), ' '), '');
        title text[] := array_remove(string_to_array(btrim(NEW.title_stems), ' '), '');
    BEGIN
        -- Only new stems (a conflicting insert would still use up a number of the sequence).
        INSERT INTO commons_search_key (key)
            SELECT DISTINCT stem FROM unnest(stems || title) AS stem
            WHERE NOT EXISTS (SELECT 1 FROM commons_search_key AS known WHERE known.key = stem) ORDER BY 1
            ON CONFLICT (key) DO NOTHING;
        INSERT INTO commons_resource_search (
            id, status, published_at, language, kind, country, theme_id, public_summary_id, key_ids, title_key_ids
        ) VALUES (
            NEW.id, NEW.status, NEW.published_at, NEW.language, NEW.kind, NEW.country, NEW.theme_id,
            NEW.public_summary_id,
            ARRAY(SELECT id FROM commons_search_key WHERE key = ANY(stems) ORDER BY id),
            ARRAY(SELECT id FROM commons_search_key WHERE key = ANY(title) ORDER BY id)
        ) ON CONFLICT (id) DO UPDATE SET
            status = EXCLUDED.status, published_at = EXCLUDED.published_at, language = EXCLUDED.language,
            kind = EXCLUDED.kind, country = EXCLUDED.country, theme_id = EXCLUDED.theme_id,
            public_summary_id = EXCLUDED.public_summary_id, key_ids = EXCLUDED.key_ids,
            title_key_ids = EXCLUDED.title_key_ids;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION commons_resource_search_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM commons_resource_search WHERE id = OLD.id;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION commons_resource_search_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE commons_resource_search;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS commons_resource_search_sync ON commons_resource",
    "CREATE TRIGGER commons_resource_search_sync AFTER INSERT OR UPDATE ON commons_resource "
    "FOR EACH ROW EXECUTE FUNCTION commons_resource_search_sync()",
    "DROP TRIGGER IF EXISTS commons_resource_search_delete ON commons_resource",
    "CREATE TRIGGER commons_resource_search_delete AFTER DELETE ON commons_resource "
    "FOR EACH ROW EXECUTE FUNCTION commons_resource_search_delete()",
    "DROP TRIGGER IF EXISTS commons_resource_search_truncate ON commons_resource",
    "CREATE TRIGGER commons_resource_search_truncate AFTER TRUNCATE ON commons_resource "
    "FOR EACH STATEMENT EXECUTE FUNCTION commons_resource_search_truncate()",
    # The items already there, in two set-based statements.
    """INSERT INTO commons_search_key (key)
        SELECT DISTINCT stem FROM commons_resource, unnest(string_to_array(btrim(search_stems), ' ')) AS stem
        WHERE stem <> '' ORDER BY 1
        ON CONFLICT (key) DO NOTHING""",
    """INSERT INTO commons_resource_search (
            id, status, published_at, language, kind, country, theme_id, public_summary_id, key_ids, title_key_ids
        )
        SELECT resource.id, resource.status, resource.published_at, resource.language, resource.kind,
            resource.country, resource.theme_id, resource.public_summary_id,
            ARRAY(SELECT id FROM commons_search_key
                  WHERE key = ANY(string_to_array(btrim(resource.search_stems), ' ')) ORDER BY id),
            ARRAY(SELECT id FROM commons_search_key
                  WHERE key = ANY(string_to_array(btrim(resource.title_stems), ' ')) ORDER BY id)
        FROM commons_resource AS resource
        ON CONFLICT (id) DO NOTHING""",
    "CREATE INDEX IF NOT EXISTS commons_resource_search_keys ON commons_resource_search USING gin (key_ids)",
    "CREATE INDEX IF NOT EXISTS commons_resource_search_published ON commons_resource_search (published_at, id)",
    "DROP INDEX IF EXISTS commons_resource_stems_fts",
    "ANALYZE commons_resource_search",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS commons_resource_stems_fts ON commons_resource "
    "USING gin (to_tsvector('simple'::regconfig, search_stems))",
    "DROP TRIGGER IF EXISTS commons_resource_search_sync ON commons_resource",
    "DROP TRIGGER IF EXISTS commons_resource_search_delete ON commons_resource",
    "DROP TRIGGER IF EXISTS commons_resource_search_truncate ON commons_resource",
    "DROP FUNCTION IF EXISTS commons_resource_search_sync()",
    "DROP FUNCTION IF EXISTS commons_resource_search_delete()",
    "DROP FUNCTION IF EXISTS commons_resource_search_truncate()",
    "DROP TABLE IF EXISTS commons_resource_search",
    "DROP TABLE IF EXISTS commons_search_key",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("commons", "0003_sqlite_fts5"),
    ]

    operations = [
        migrations.CreateModel(
            name="ResourceSearch",
            fields=[
                (
                    "resource",
                    models.OneToOneField(
                        db_column="id",
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="commons.resource",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("submitted", "Waiting for moderation"),
                            ("published", "Published"),
                            ("rejected", "Not accepted"),
                        ],
                        max_length=10,
                    ),
                ),
                ("published_at", models.DateTimeField(null=True)),
                (
                    "language",
                    models.CharField(
                        choices=[
                            ("kk", "Kazakh"),
                            ("ru", "Russian"),
                            ("en", "English"),
                            ("ky", "Kyrgyz"),
                            ("tg", "Tajik"),
                            ("uz", "Uzbek"),
                        ],
                        max_length=5,
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("project", "Project summary"),
                            ("poster", "Poster"),
                            ("guide", "Guide"),
                            ("book", "Book"),
                            ("session_plan", "Session plan"),
                            ("webinar", "Webinar recording"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "country",
                    models.CharField(
                        choices=[
                            ("KZ", "Kazakhstan"),
                            ("KG", "Kyrgyzstan"),
                            ("TJ", "Tajikistan"),
                            ("UZ", "Uzbekistan"),
                            ("ZZ", "Other country"),
                        ],
                        max_length=2,
                    ),
                ),
            ],
            options={
                "db_table": "commons_resource_search",
                "managed": False,
            },
        ),
        migrations.RunPython(forward, backward),
    ]
