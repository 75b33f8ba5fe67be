"""One name for the national project and for a programme's intake (issue 11, point 7; docs/glossary.csv).

The indicators called the project «Болашақ мектептері» / «Школы будущего» while the registry said
«Келешек мектебі»; its official names are «Жайлы мектеп» / «Комфортная школа». A programme's intake
is a «топ» / «поток», not a «когорта».
"""

from django.db import migrations

WORDING = {
    "future_schools_planned": (
        {"kk": "«Жайлы мектеп»: жоспарланған", "ru": "«Комфортная школа»: запланированные"},
        {
            "kk": "«Жайлы мектеп» жобасына енген мектептер (жоспарланған, салынып жатқан немесе салынған).",
            "ru": "Школы по проекту «Комфортная школа» (запланированные, строящиеся или построенные).",
        },
    ),
    "future_schools_built": (
        {"kk": "«Жайлы мектеп»: салынған", "ru": "«Комфортная школа»: построенные"},
        {
            "kk": "«Жайлы мектеп» жобасы бойынша салынып біткен мектептер саны.",
            "ru": "Число школ, построенных по проекту «Комфортная школа».",
        },
    ),
    "programme_schools": (
        {},
        {
            "kk": "Кемінде бір бағдарламаның (немесе таңдалған бағдарламаның) тобына енген мектептер саны.",
            "ru": "Число школ, входящих в поток хотя бы одной программы (или выбранной программы).",
        },
    ),
    "programme_schools_share": (
        {},
        {
            "kk": "Кемінде бір бағдарламаның (немесе таңдалған бағдарламаның) тобына енген мектептердің пайызы.",
            "ru": "Процент школ, входящих в поток хотя бы одной программы (или выбранной программы).",
        },
    ),
}


def forwards(apps, schema_editor):
    Indicator = apps.get_model("analytics", "Indicator")
    for indicator in Indicator.objects.filter(code__in=WORDING):
        name, definition = WORDING[indicator.code]
        indicator.name = {**indicator.name, **name}
        indicator.definition = {**indicator.definition, **definition}
        indicator.save(update_fields=["name", "definition"])


def seed(apps, schema_editor):
    forwards(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("analytics", "0006_rural_modernised_four_years")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
