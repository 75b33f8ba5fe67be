"""Seed the computed indicators and the national targets (seed 004 of the domain brief)."""

import datetime

from django.db import migrations

REGISTRY = "Shamy registry of schools and employments; programme cohorts"

INDICATORS = [
    (
        "schools", "count", "higher_better",
        {"kk": "Мектептер", "ru": "Школы", "en": "Schools"},
        {
            "kk": "Тізілімдегі жалпы білім беретін мектептер саны.",
            "ru": "Число общеобразовательных школ в реестре.",
            "en": "Number of general-education schools in the registry.",
        },
    ),
    (
        "pupils", "count", "higher_better",
        {"kk": "Оқушылар", "ru": "Учащиеся", "en": "Pupils"},
        {
            "kk": "Мектептер тізілімде көрсеткен оқушылар саны.",
            "ru": "Число учащихся по данным школ в реестре.",
            "en": "Number of pupils as reported by the schools in the registry.",
        },
    ),
    (
        "teachers", "count", "higher_better",
        {"kk": "Мұғалімдер", "ru": "Учителя", "en": "Teachers"},
        {
            "kk": "Мектептер тізілімде көрсеткен мұғалімдер саны.",
            "ru": "Число учителей по данным школ в реестре.",
            "en": "Number of teachers as reported by the schools in the registry.",
        },
    ),
    (
        "rural_share", "percent", "higher_worse",
        {"kk": "Ауыл мектептерінің үлесі", "ru": "Доля сельских школ", "en": "Rural share of schools"},
        {
            "kk": "Ауылдық жерлердегі мектептердің барлық мектептерге шаққандағы пайызы.",
            "ru": "Процент школ в сельской местности от всех школ.",
            "en": "Schools in rural areas as a percentage of all schools.",
        },
    ),
    (
        "small_class_share", "percent", "higher_worse",
        {"kk": "Шағын жинақты мектептердің үлесі", "ru": "Доля малокомплектных школ", "en": "Share of small-class schools"},
        {
            "kk": "Шағын жинақты мектептердің (сыныптар біріктірілген) барлық мектептерге шаққандағы пайызы.",
            "ru": "Процент малокомплектных школ (с совмещёнными классами) от всех школ.",
            "en": "Small-class schools (grades combined) as a percentage of all schools.",
        },
    ),
    (
        "pupils_per_teacher", "ratio", "higher_worse",
        {"kk": "Бір мұғалімге келетін оқушылар", "ru": "Учащихся на одного учителя", "en": "Pupils per teacher"},
        {
            "kk": "Оқушылар санының мұғалімдер санына қатынасы (қосындылардан, орташа емес).",
            "ru": "Отношение суммы учащихся к сумме учителей (по суммам, не среднее по школам).",
            "en": "Total pupils divided by total teachers (pooled sums, not a mean of school ratios).",
        },
    ),
    (
        "high_speed_internet_share", "percent", "higher_better",
        {"kk": "Жоғары жылдамдықты интернеті бар мектептер", "ru": "Школы со скоростным интернетом", "en": "Schools with high-speed internet"},
        {
            "kk": "Жоғары жылдамдықты интернетке қосылған мектептердің пайызы.",
            "ru": "Процент школ, подключённых к скоростному интернету.",
            "en": "Schools connected to high-speed internet as a percentage of all schools.",
        },
    ),
    (
        "modernised_share", "percent", "higher_better",
        {"kk": "Соңғы бес жылда жаңғыртылған мектептер", "ru": "Школы, модернизированные за пять лет", "en": "Schools modernised in the last five years"},
        {
            "kk": "Таңдалған оқу жылында немесе оның алдындағы төрт жылда жаңғыртылған мектептердің пайызы.",
            "ru": "Процент школ, модернизированных в выбранном учебном году или за четыре года до него.",
            "en": "Schools last modernised in the selected school year or the four years before it, as a percentage of all schools.",
        },
    ),
    (
        "future_schools_planned", "count", "higher_better",
        {"kk": "«Болашақ мектептері»: жоспарланған", "ru": "«Школы будущего»: запланированные", "en": "Future Schools planned"},
        {
            "kk": "«Болашақ мектептері» бағдарламасына енген мектептер (жоспарланған, салынып жатқан немесе салынған).",
            "ru": "Школы в программе «Школы будущего» (запланированные, строящиеся или построенные).",
            "en": "Schools in the Future Schools programme (planned, under construction or built).",
        },
    ),
    (
        "future_schools_built", "count", "higher_better",
        {"kk": "«Болашақ мектептері»: салынған", "ru": "«Школы будущего»: построенные", "en": "Future Schools built"},
        {
            "kk": "Салынып біткен «Болашақ мектептері» саны.",
            "ru": "Число построенных «Школ будущего».",
            "en": "Number of Future Schools built.",
        },
    ),
    (
        "teachers_expert_share", "percent", "higher_better",
        {"kk": "Сарапшы және одан жоғары санаттағы мұғалімдер", "ru": "Учителя категории эксперт и выше", "en": "Teachers rated expert or above"},
        {
            "kk": "Қазір жұмыс істейтін мұғалімдердің ішінде педагог-сарапшы, педагог-зерттеуші немесе педагог-шебер санаты барлардың пайызы.",
            "ru": "Процент работающих сейчас учителей с категорией педагог-эксперт, педагог-исследователь или педагог-мастер.",
            "en": "Teachers employed now whose qualification category is teacher-expert, teacher-researcher or teacher-master, as a percentage of all teachers employed now.",
        },
    ),
    (
        "programme_schools", "count", "higher_better",
        {"kk": "Бағдарлама қамтыған мектептер", "ru": "Школы, охваченные программами", "en": "Schools reached by a programme"},
        {
            "kk": "Кемінде бір бағдарламаның (немесе таңдалған бағдарламаның) когортасына енген мектептер саны.",
            "ru": "Число школ, входящих в когорту хотя бы одной программы (или выбранной программы).",
            "en": "Schools in a cohort of at least one programme (or of the selected programme).",
        },
    ),
    (
        "programme_schools_share", "percent", "higher_better",
        {"kk": "Бағдарлама қамтыған мектептердің үлесі", "ru": "Доля школ, охваченных программами", "en": "Share of schools reached by a programme"},
        {
            "kk": "Кемінде бір бағдарламаның (немесе таңдалған бағдарламаның) когортасына енген мектептердің пайызы.",
            "ru": "Процент школ, входящих в когорту хотя бы одной программы (или выбранной программы).",
            "en": "Schools in a cohort of at least one programme (or of the selected programme), as a percentage of all schools.",
        },
    ),
]

TARGETS = [
    (
        "high_speed_internet_2026", "high_speed_internet", 2000, datetime.date(2023, 1, 1), datetime.date(2026, 12, 31),
        {
            "kk": "2026 жылға дейін тағы 2 000 мектепке жоғары жылдамдықты интернет",
            "ru": "Скоростной интернет ещё для 2 000 школ к 2026 году",
            "en": "High-speed internet for 2,000 more schools by 2026",
        },
    ),
    (
        "future_schools_built", "future_schools_built", 217, datetime.date(2022, 1, 1), datetime.date(2025, 12, 31),
        {
            "kk": "217 «Болашақ мектебін» салу",
            "ru": "Построить 217 «Школ будущего»",
            "en": "Build 217 Future Schools",
        },
    ),
    (
        "rural_modernised_4000", "rural_modernised", 4000, datetime.date(2022, 1, 1), datetime.date(2025, 12, 31),
        {
            "kk": "Төрт жылда 4 000 ауыл мектебін жаңғырту",
            "ru": "Модернизировать 4 000 сельских школ за четыре года",
            "en": "Modernise 4,000 rural schools in four years",
        },
    ),
]


def seed(apps, schema_editor):
    Indicator = apps.get_model("analytics", "Indicator")
    Target = apps.get_model("analytics", "Target")
    for position, (code, unit, direction, name, definition) in enumerate(INDICATORS, start=1):
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "direction": direction,
                "source_kind": "computed",
                "definition": definition,
                "source": REGISTRY,
                "position": position * 10,
            },
        )
    for code, metric, goal, starts_on, deadline, name in TARGETS:
        Target.objects.update_or_create(
            code=code,
            defaults={
                "metric": metric,
                "goal": goal,
                "starts_on": starts_on,
                "deadline": deadline,
                "name": name,
                "source": "Domain brief, seed 004 (national programmes); start and deadline assumed where the article gives none",
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("analytics", "Indicator").objects.filter(code__in=[row[0] for row in INDICATORS]).delete()
    apps.get_model("analytics", "Target").objects.filter(code__in=[row[0] for row in TARGETS]).delete()


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
