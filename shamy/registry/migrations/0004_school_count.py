"""Schools per region, counted ahead (shamy.registry.school_counts); counted here once for the rows
already there. A region left uncounted would only be read live."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count


def count_schools(apps, schema_editor):
    Region = apps.get_model("registry", "Region")
    School = apps.get_model("registry", "School")
    SchoolCount = apps.get_model("registry", "SchoolCount")
    counts = dict(
        School.objects.order_by().values("region_id").annotate(schools=Count("id")).values_list("region_id", "schools")
    )
    SchoolCount.objects.bulk_create(
        [
            SchoolCount(region_id=pk, schools=counts.get(pk, 0), current=True)
            for pk in Region.objects.values_list("pk", flat=True)
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_person_sort_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="SchoolCount",
            fields=[
                (
                    "region",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="school_count",
                        serialize=False,
                        to="registry.region",
                        verbose_name="region",
                    ),
                ),
                ("schools", models.PositiveIntegerField(default=0, verbose_name="schools")),
                ("current", models.BooleanField(default=False, verbose_name="current")),
            ],
            options={
                "verbose_name": "school count",
                "verbose_name_plural": "school counts",
            },
        ),
        migrations.RunPython(count_schools, migrations.RunPython.noop),
    ]
