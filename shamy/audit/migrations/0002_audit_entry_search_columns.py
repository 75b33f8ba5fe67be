"""Case-folded copies of the actor and object labels, for the audit log's filters."""

from django.db import migrations, models

BATCH = 2000


def fill_search_columns(apps, schema_editor):
    from shamy.core.text import search_key

    AuditEntry = apps.get_model("audit", "AuditEntry")
    entries = AuditEntry.objects.using(schema_editor.connection.alias).only("id", "actor_label", "target_label")
    batch = []
    for entry in entries.order_by("id").iterator(chunk_size=BATCH):
        entry.actor_search = search_key(entry.actor_label)[:300]
        entry.target_search = search_key(entry.target_label)[:300]
        batch.append(entry)
        if len(batch) >= BATCH:
            AuditEntry.objects.bulk_update(batch, ["actor_search", "target_search"])
            batch = []
    if batch:
        AuditEntry.objects.bulk_update(batch, ["actor_search", "target_search"])


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="actor_search",
            field=models.CharField(blank=True, editable=False, max_length=300),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="target_search",
            field=models.CharField(blank=True, editable=False, max_length=300),
        ),
        migrations.RunPython(fill_search_columns, migrations.RunPython.noop),
    ]
