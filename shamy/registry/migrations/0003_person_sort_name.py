"""People sort by a stored Kazakh-order key (shamy.core.text.kazakh_sort_name), filled here."""

from django.db import migrations, models

from shamy.core.text import kazakh_sort_name

BATCH = 5000


def fill_sort_names(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    table = schema_editor.quote_name(Person._meta.db_table)
    rows = Person.objects.order_by("id").values_list("id", "surname", "given_name")
    with schema_editor.connection.cursor() as cursor:
        batch = []
        for person_id, surname, given_name in rows.iterator(chunk_size=BATCH):
            batch.append((kazakh_sort_name(surname, given_name), person_id))
            if len(batch) == BATCH:
                cursor.executemany(f"UPDATE {table} SET sort_name = %s WHERE id = %s", batch)
                batch.clear()
        if batch:
            cursor.executemany(f"UPDATE {table} SET sort_name = %s WHERE id = %s", batch)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_school_name_kk_kazakh_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="sort_name",
            field=models.CharField(default="", editable=False, max_length=640),
        ),
        migrations.RunPython(fill_sort_names, migrations.RunPython.noop, elidable=True),
        migrations.AlterModelOptions(
            name="person",
            options={"ordering": ["sort_name", "id"], "verbose_name": "person", "verbose_name_plural": "people"},
        ),
    ]
