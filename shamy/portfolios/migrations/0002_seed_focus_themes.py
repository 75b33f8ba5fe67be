"""Seed the editable taxonomy of focus themes (coordinators add more in the app)."""

from django.db import migrations

THEMES = [
    ("functional-literacy", "Функционалдық сауаттылық", "Функциональная грамотность", "Functional literacy"),
    ("soft-skills", "Икемді дағдылар (soft skills)", "Гибкие навыки (soft skills)", "Soft skills"),
    ("learning-outcomes", "Оқу нәтижелері", "Результаты обучения", "Learning outcomes"),
    ("inclusion", "Инклюзия", "Инклюзия", "Inclusion"),
    ("parental-engagement", "Ата-аналарды тарту", "Вовлечение родителей", "Parental engagement"),
    ("digital-skills", "Цифрлық дағдылар", "Цифровые навыки", "Digital skills"),
]


def seed(apps, schema_editor):
    FocusTheme = apps.get_model("portfolios", "FocusTheme")
    for order, (code, kk, ru, en) in enumerate(THEMES, start=1):
        FocusTheme.objects.update_or_create(
            code=code, defaults={"name_kk": kk, "name_ru": ru, "name_en": en, "order": order * 10}
        )


def unseed(apps, schema_editor):
    FocusTheme = apps.get_model("portfolios", "FocusTheme")
    FocusTheme.objects.filter(code__in=[code for code, *_names in THEMES], projects__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("portfolios", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
