"""A training session named after its topic reads in each reader's language: its gathering gets
the topic's names as ``title_translations`` (attendance 0006)."""

from django.db import migrations


def fill(apps, schema_editor):
    TrainingSession = apps.get_model("operators", "TrainingSession")
    Gathering = apps.get_model("attendance", "Gathering")
    changed = []
    for session in TrainingSession.objects.select_related("gathering", "topic"):
        names = {code: text for code, text in (session.topic.name or {}).items() if text}
        if names and session.gathering.title in names.values() and not session.gathering.title_translations:
            session.gathering.title_translations = names
            changed.append(session.gathering)
    Gathering.objects.bulk_update(changed, ["title_translations"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("operators", "0003_kazakh_order"),
        ("attendance", "0006_gathering_title_translations"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
