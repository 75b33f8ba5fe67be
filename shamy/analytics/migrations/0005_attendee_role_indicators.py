"""Each programme participation indicator counts what its definition says (issue 10, point 4).

"Teachers reached" counted every attendee, facilitators and principals included. Its definition
now says whom it counts, and facilitators and principals get indicators of their own.
"""

from django.db import migrations

SOURCE = "Shamy programme cohorts and attendance registers"

DEFINITIONS = {
    "programme_teachers": {
        "kk": "Оқу жылында бағдарлама іс-шарасына кемінде бір рет қатысқан (келген немесе кешіккен) мұғалімдер саны. "
        "Мектеп фасилитаторлары, директорлар және бағдарлама қызметкерлері өз көрсеткіштерінде саналады.",
        "ru": "Число учителей, хотя бы раз участвовавших (присутствовали или опоздали) в мероприятии программы за "
        "учебный год. Школьные фасилитаторы, директора и сотрудники программы считаются в своих показателях.",
        "en": "Teachers who attended (present or late) at least one programme gathering in the school year. School "
        "facilitators, principals and programme staff are counted in their own indicators, not here.",
    },
    "participation_hours_per_teacher": {
        "kk": "Оқу жылында мұғалімдердің бағдарлама іс-шараларына қатысу сағаттарының қосындысы қатысқан мұғалімдер "
        "санына бөлінген (фасилитаторлар мен директорлар кірмейді).",
        "ru": "Сумма часов участия учителей в мероприятиях программ за учебный год, делённая на число участвовавших "
        "учителей (без фасилитаторов и директоров).",
        "en": "Hours teachers attended at programme gatherings in the school year, divided by the teachers who "
        "attended (facilitators and principals not included).",
    },
}

INDICATORS = [
    (
        "programme_facilitators",
        {"kk": "Бағдарламаға қатысқан мектеп фасилитаторлары", "ru": "Школьные фасилитаторы, участвовавшие в программах",
         "en": "School facilitators who took part"},
        {
            "kk": "Оқу жылында бағдарлама іс-шарасына кемінде бір рет қатысқан мектеп фасилитаторлары саны.",
            "ru": "Число школьных фасилитаторов, хотя бы раз участвовавших в мероприятии программы за учебный год.",
            "en": "School facilitators who attended (present or late) at least one programme gathering in the school year.",
        },
    ),
    (
        "programme_principals",
        {"kk": "Бағдарламаға қатысқан мектеп директорлары", "ru": "Директора школ, участвовавшие в программах",
         "en": "Principals who took part"},
        {
            "kk": "Оқу жылында бағдарлама іс-шарасына кемінде бір рет қатысқан мектеп директорлары саны.",
            "ru": "Число директоров школ, хотя бы раз участвовавших в мероприятии программы за учебный год.",
            "en": "School principals who attended (present or late) at least one programme gathering in the school year.",
        },
    ),
]


def seed(apps, schema_editor):
    Indicator = apps.get_model("analytics", "Indicator")
    for code, definition in DEFINITIONS.items():
        Indicator.objects.filter(code=code).update(definition=definition)
    for offset, (code, name, definition) in enumerate(INDICATORS, start=1):
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": "count",
                "direction": "higher_better",
                "source_kind": "computed",
                "definition": definition,
                "source": SOURCE,
                "position": 165 + offset,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("analytics", "Indicator").objects.filter(code__in=[row[0] for row in INDICATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [("analytics", "0004_registry_reference_year")]
    operations = [migrations.RunPython(seed, unseed)]
