"""The equity analytics' indicator computed from certificates (``credentials/analytics.py``).

The row lives in ``analytics.Indicator`` like every indicator; it is seeded here because the
credentials app computes it (analytics knows nothing of certificates)."""

from django.db import migrations

SOURCE = "Shamy certificates (issued by the certifying university, not revoked)"

INDICATORS = [
    (
        "certified_teachers", "count", "higher_better",
        {"kk": "Сертификатталған мұғалімдер", "ru": "Сертифицированные учителя", "en": "Certified teachers"},
        {
            "kk": "Оқу жылында (1 қыркүйек – 31 тамыз) сертификат алған мұғалімдер, портфолиосы тапсырылған мектеп бойынша; кері қайтарылған сертификат саналмайды, бір жылда екі сертификат алған мұғалім бір рет саналады.",
            "ru": "Учителя, получившие сертификат в учебном году (1 сентября – 31 августа), по школе, из которой сдано портфолио; отозванный сертификат не считается, учитель с двумя сертификатами за год считается один раз.",
            "en": "Teachers whose certificate was issued in the school year (1 September to 31 August), by the school of the certified portfolio; a revoked certificate does not count, and a teacher with two certificates in a year counts once.",
        },
    ),
]


def seed(apps, schema_editor):
    Indicator = apps.get_model("analytics", "Indicator")
    for code, unit, direction, name, definition in INDICATORS:
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "direction": direction,
                "source_kind": "computed",
                "definition": definition,
                "source": SOURCE,
                "position": 200,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("analytics", "Indicator").objects.filter(code__in=[row[0] for row in INDICATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0001_initial"),
        ("analytics", "0003_seed_programme_indicators"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
