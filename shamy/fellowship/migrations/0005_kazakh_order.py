"""Fellows sort by a stored Kazakh-order key of their full name (shamy.core.text.kazakh_sort_name)."""

from django.db import migrations, models

from shamy.core.text import kazakh_sort_name


def fill_sort_names(apps, schema_editor):
    Fellow = apps.get_model("fellowship", "Fellow")
    fellows = list(Fellow.objects.only("id", "full_name"))
    for fellow in fellows:
        fellow.sort_name = kazakh_sort_name(fellow.full_name)
    Fellow.objects.bulk_update(fellows, ["sort_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("fellowship", "0004_support_visits"),
    ]

    operations = [
        migrations.AddField(
            model_name="fellow",
            name="sort_name",
            field=models.CharField(default="", editable=False, max_length=640),
        ),
        migrations.RunPython(fill_sort_names, migrations.RunPython.noop, elidable=True),
        migrations.AlterModelOptions(
            name="fellow",
            options={
                "ordering": ["cohort_id", "sort_name", "id"],
                "verbose_name": "fellow",
                "verbose_name_plural": "fellows",
            },
        ),
    ]
