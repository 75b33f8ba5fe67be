"""Target sources that name the published figures, not the project's internal seed notes.

The seeded targets said "Domain brief, seed 004 …" and "Seed 004: …", a developer's reference
shown in English on every language's targets page. They now hold message ids the analytics
catalogue translates (``shamy/analytics/sources.py``).
"""

from django.db import migrations

GENERAL = (
    "Published figures of the national programmes (2025); the start and the deadline are assumed where none is given"
)
RURAL = (
    "Published figures of the national programmes (2025): over 4,000 rural schools modernised over "
    "the past four years (2021–2024)"
)
OLD_GENERAL = "Domain brief, seed 004 (national programmes); start and deadline assumed where the article gives none"
OLD_RURAL = "Seed 004: over 4,000 rural schools modernised over the past four years (2021–2024)"


def forwards(apps, schema_editor):
    Target = apps.get_model("analytics", "Target")
    Target.objects.filter(source=OLD_GENERAL).update(source=GENERAL)
    Target.objects.filter(source=OLD_RURAL).update(source=RURAL)


def backwards(apps, schema_editor):
    Target = apps.get_model("analytics", "Target")
    Target.objects.filter(source=GENERAL).update(source=OLD_GENERAL)
    Target.objects.filter(source=RURAL).update(source=OLD_RURAL)


class Migration(migrations.Migration):
    dependencies = [("analytics", "0007_indicator_wording")]
    operations = [migrations.RunPython(forwards, backwards)]
