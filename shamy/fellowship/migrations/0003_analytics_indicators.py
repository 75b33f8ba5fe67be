"""The equity analytics' indicators computed from fellowship placements (``fellowship/analytics.py``).

The rows live in ``analytics.Indicator`` like every indicator; they are seeded here because the
fellowship app computes them (analytics knows nothing of fellowships)."""

from django.db import migrations

SOURCE = "Shamy fellowship placements and class registers"

INDICATORS = [
    (
        "fellows_in_place", "count", "higher_better",
        {"kk": "Мектептердегі бағдарлама мұғалімдері", "ru": "Учителя программы в школах", "en": "Fellows in place"},
        {
            "kk": "Оқу жылында мектепте орналасуы жүріп жатқан бағдарлама мұғалімдерінің саны (мерзімінен бұрын кеткендер кеткенге дейін саналады).",
            "ru": "Число учителей программы, чьё распределение в школу приходится на учебный год (ушедшие досрочно считаются до ухода).",
            "en": "Fellows whose placement in a school overlaps the school year (early leavers count until they left).",
        },
    ),
    (
        "children_reached_by_fellows", "count", "higher_better",
        {"kk": "Бағдарлама мұғалімдері оқытқан балалар", "ru": "Дети, которых учат учителя программы", "en": "Children reached by fellows"},
        {
            "kk": "Оқу жылында бағдарлама мұғалімдері сабақ берген сыныптардағы балалар; екі мұғалім оқытқан бала бір рет саналады.",
            "ru": "Дети в классах, где учителя программы ведут уроки в учебном году; ребёнок, которого учат двое, считается один раз.",
            "en": "Children in the classes fellows teach in the school year; a child taught by two fellows counts once.",
        },
    ),
]


def seed(apps, schema_editor):
    Indicator = apps.get_model("analytics", "Indicator")
    for position, (code, unit, direction, name, definition) in enumerate(INDICATORS, start=17):
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "direction": direction,
                "source_kind": "computed",
                "definition": definition,
                "source": SOURCE,
                "position": position * 10,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("analytics", "Indicator").objects.filter(code__in=[row[0] for row in INDICATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("fellowship", "0002_labels"),
        ("analytics", "0003_seed_programme_indicators"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
