"""Seed the indicators computed from programme cohorts and attendance."""

from django.db import migrations

SOURCE = "Shamy programme cohorts and attendance registers"

INDICATORS = [
    (
        "programme_pupils", "count", "higher_better",
        {"kk": "Бағдарлама қамтыған балалар", "ru": "Дети, охваченные программами", "en": "Children reached by a programme"},
        {
            "kk": "Кемінде бір бағдарлама (немесе таңдалған бағдарлама) қамтыған мектептердегі оқушылар саны.",
            "ru": "Число учащихся в школах, охваченных хотя бы одной программой (или выбранной программой).",
            "en": "Pupils in the schools reached by at least one programme (or by the selected programme).",
        },
    ),
    (
        "programme_teachers", "count", "higher_better",
        {"kk": "Бағдарлама қамтыған мұғалімдер", "ru": "Учителя, охваченные программами", "en": "Teachers reached by a programme"},
        {
            "kk": "Оқу жылында бағдарлама іс-шарасына кемінде бір рет қатысқан (келген немесе кешіккен) мұғалімдер саны.",
            "ru": "Число учителей, хотя бы раз участвовавших (присутствовали или опоздали) в мероприятии программы за учебный год.",
            "en": "Teachers who attended (present or late) at least one programme gathering in the school year.",
        },
    ),
    (
        "participation_hours_per_teacher", "hours", "higher_better",
        {"kk": "Бір мұғалімге келетін қатысу сағаттары", "ru": "Часы участия на одного учителя", "en": "Participation hours per teacher"},
        {
            "kk": "Оқу жылындағы бағдарлама іс-шараларына қатысу сағаттарының қосындысы қатысқан мұғалімдер санына бөлінген.",
            "ru": "Сумма часов участия в мероприятиях программ за учебный год, делённая на число участвовавших учителей.",
            "en": "Hours attended at programme gatherings in the school year, divided by the teachers who attended.",
        },
    ),
]


def seed(apps, schema_editor):
    Indicator = apps.get_model("analytics", "Indicator")
    for position, (code, unit, direction, name, definition) in enumerate(INDICATORS, start=14):
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
    dependencies = [("analytics", "0002_seed_indicators_and_targets")]
    operations = [migrations.RunPython(seed, unseed)]
