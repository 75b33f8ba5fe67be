"""Demo development projects on top of the programme demo (``manage.py seed_demo_programmes``).

Every demo teacher of the pilot gets a project; the projects are spread over every stage of the
methodology, with journals, planned steps, feedback from school and link facilitators, the
principal's endorsement further on, evidence (small PNG photos made with Pillow and a tiny PDF
made with WeasyPrint at load time: no binary fixtures), written and submitted portfolios at the
last stage, and a few published summaries. Deterministic (fixed seed) and idempotent.
"""

from __future__ import annotations

import datetime
import io
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.audit.services.entries import audit_record
from shamy.portfolios.models import (
    Comment,
    DevelopmentProject,
    FocusTheme,
    JournalEntry,
    Portfolio,
    PortfolioStatus,
    ProjectStep,
    PublicSummary,
    Thread,
)
from shamy.portfolios.poster import text_pdf
from shamy.portfolios.services import evidence as evidence_services
from shamy.portfolios.services import projects as project_services
from shamy.portfolios.services import sharing as sharing_services
from shamy.programmes.demo import DEMO_DOMAIN, PILOT_NAME_EN
from shamy.programmes.models import LinkAssignment, MethodologyStage, Programme

AUDIT_ACTION = "portfolios.demo.loaded"

TITLES = {
    "functional-literacy": [
        "Мәтінмен жұмыс арқылы функционалдық сауаттылықты дамыту",
        "Математикалық есептерді өмірмен байланыстыру",
        "Оқушылардың оқығанын түсіну дағдысын арттыру",
    ],
    "soft-skills": [
        "Топтық жұмыс арқылы оқушылардың қарым-қатынас дағдыларын дамыту",
        "Сабақта сыни ойлауды қалыптастыру",
    ],
    "learning-outcomes": [
        "Қалыптастырушы бағалау арқылы оқу нәтижелерін жақсарту",
        "Құрама сыныпта әр оқушының үлгерімін көтеру",
    ],
    "inclusion": ["Ерекше білім беру қажеттілігі бар оқушыларды сабаққа тарту"],
    "parental-engagement": ["Ата-аналарды оқу үдерісіне тарту: ата-аналар клубы"],
    "digital-skills": ["Интернеті баяу мектепте цифрлық ресурстарды пайдалану"],
}
JOURNAL = [
    "Бүгін әріптестеріммен мәселені талқыладық. Олар маған сауалнама жасауды ұсынды.",
    "Оқушылардың жауаптарын талдадым: жартысынан көбі мәтіндегі негізгі ойды таба алмайды.",
    "Директормен кездестім, ол жобаны қолдайтынын айтты және уақыт бөлді.",
    "Жұптық оқу әдісін екі сабақта қолданып көрдім. Оқушылар белсенді болды.",
    "Ата-аналардан кері байланыс жинадым, олар үй тапсырмасының түрі ұнағанын айтты.",
    "Мектептегі сессияда әріптестерге нәтижелерімді көрсеттім, олар кеңес берді.",
]
SCHOOL_FEEDBACK = [
    "Жақсы бастама! Мәселені нақтырақ тұжырымдап көріңізші.",
    "Келесі сессияда жоспарыңызды әріптестерге ұсынайық.",
]
LINK_FEEDBACK = [
    "Дәлел ретінде оқушылардың жұмыстарынан үзінділер жинаңыз.",
    "Рефлексияңыз терең екен. Әсерді өлшеудің тағы бір жолын ойластырыңыз.",
]
STEPS = [
    ("Оқушылар арасында сауалнама өткізу", 14),
    ("Әріптестермен жоспарды талқылау", 28),
    ("Жаңа әдісті үш сабақта қолдану", 56),
    ("Нәтижелерді талдап, рефлексия жазу", 84),
]
SUMMARY = (
    "Мұғалім оқушылардың {theme} мәселесін анықтап, әріптестерімен бірге шешу жолдарын іздеді.",
    "Сауалнама жүргізілді, жаңа әдіс сабақтарда қолданылды, ата-аналар мен әріптестер тартылды.",
    "Оқушылардың белсенділігі артты, әріптестер әдісті өз сабақтарында қолдана бастады.",
)


class PortfolioDemoRefused(Exception):
    """The programme demo is not loaded, so there is nothing to build projects on."""


@dataclass(frozen=True)
class PortfolioDemoSummary:
    already_loaded: bool
    counts: dict[str, int]
    seconds: float


def portfolio_demo_counts(programme: Programme | None) -> dict[str, int]:
    projects = DevelopmentProject.objects.filter(is_demo=True)
    if programme is not None:
        projects = projects.filter(cohort__programme=programme)
    return {
        "projects": projects.count(),
        "stages": projects.values("stage").distinct().count(),
        "evidence": projects.filter(evidence__isnull=False).values("evidence").count(),
        "submitted": projects.filter(portfolio__status=PortfolioStatus.SUBMITTED).count(),
        "published": PublicSummary.objects.published().filter(project__in=projects).count(),
    }


def _png(rng: random.Random, label: str) -> bytes:
    image = Image.new("RGB", (480, 320), (rng.randrange(120, 230), rng.randrange(120, 230), rng.randrange(120, 230)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randrange(0, 400), rng.randrange(0, 240)
        draw.ellipse((x, y, x + rng.randrange(30, 80), y + rng.randrange(30, 80)), fill=(255, 255, 255))
    draw.text((16, 16), label, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _pilot() -> Programme:
    pilot = Programme.objects.filter(is_demo=True, name_en=PILOT_NAME_EN).first()
    if pilot is None:
        raise PortfolioDemoRefused(
            "The programme demo is not loaded: run `python manage.py seed_demo` and then "
            "`python manage.py seed_demo_programmes` first."
        )
    return pilot


def portfolio_demo_load(*, report: Callable[[str], None] | None = None) -> PortfolioDemoSummary:
    """Load the demo projects unless they are loaded already. Raises PortfolioDemoRefused when
    the programme demo is missing."""
    say = report or (lambda _message: None)
    started = time.monotonic()
    pilot = _pilot()
    if DevelopmentProject.objects.filter(is_demo=True, cohort__programme=pilot).exists():
        return PortfolioDemoSummary(True, portfolio_demo_counts(pilot), 0.0)
    rng = random.Random(2025)  # noqa: S311 (demo data, not security)
    with transaction.atomic():
        _load(pilot, rng, say)
        counts = portfolio_demo_counts(pilot)
        audit_record(actor=None, action=AUDIT_ACTION, target=pilot, after=counts)
    return PortfolioDemoSummary(False, counts, time.monotonic() - started)


def _load(pilot: Programme, rng: random.Random, say: Callable[[str], None]) -> None:
    stages = list(MethodologyStage.objects.filter(programme=pilot).order_by("order", "id"))
    # The themes come from a data migration; a database emptied since (by tests) lacks them.
    seeded = import_module("shamy.portfolios.migrations.0002_seed_focus_themes")
    for order, (code, kk, ru, en) in enumerate(seeded.THEMES, start=1):
        FocusTheme.objects.get_or_create(
            code=code, defaults={"name_kk": kk, "name_ru": ru, "name_en": en, "order": order * 10}
        )
    themes = {theme.code: theme for theme in FocusTheme.objects.filter(code__in=list(TITLES))}
    memberships = list(
        Membership.objects.filter(programme=pilot, role=Role.TEACHER, cohort__isnull=False, user__person__isnull=False)
        .select_related("user__person", "cohort", "school")
        .order_by("school_id", "user__email", "id")
    )
    school_facilitators: dict[int, list[Membership]] = {}
    principals: dict[int, Membership] = {}
    for membership in Membership.objects.filter(
        programme=pilot, role__in=[Role.SCHOOL_FACILITATOR, Role.SCHOOL_PRINCIPAL]
    ).select_related("user"):
        if membership.role == Role.SCHOOL_FACILITATOR and membership.school_id:
            school_facilitators.setdefault(membership.school_id, []).append(membership)
        elif membership.school_id:
            principals[membership.school_id] = membership
    link_by_school = {
        assignment.cohort_school.school_id: assignment.membership.user
        for assignment in LinkAssignment.objects.filter(cohort_school__cohort__programme=pilot).select_related(
            "membership__user", "cohort_school"
        )
    }
    photo_pdf = text_pdf(
        "Сауалнама нәтижелері",
        [
            "Сауалнамаға 24 оқушы қатысты.",
            "Оқушылардың 62%-ы мәтіннің негізгі ойын табуда қиналатынын айтты.",
            "Әрекеттік зерттеудің келесі қадамы: жұптық оқу.",
        ],
    )
    now = timezone.now()
    theme_codes = list(TITLES)
    say(f"{len(memberships)} teachers get projects")
    demo_teacher_email = f"teacher@{DEMO_DOMAIN}"
    published = 0
    for index, membership in enumerate(memberships):
        user = membership.user
        person = user.person  # type: ignore[union-attr]
        is_demo_login = user.email == demo_teacher_email
        # Every stage gets projects: the demo teacher is leading the change, with evidence.
        stage_index = 4 if is_demo_login else index % len(stages)
        code = theme_codes[index % len(theme_codes)]
        titles = TITLES[code]
        project = project_services.project_create(
            actor=None,
            cohort=membership.cohort,  # type: ignore[arg-type]
            title=titles[(index // len(theme_codes)) % len(titles)],
            theme=themes[code],
            concern="Оқушылардың бір бөлігі сабақта белсенділік танытпайды және тапсырманы түсінбейді.",
            teacher=person,
            school_id=membership.school_id,
        )
        started_at = now - datetime.timedelta(days=rng.randrange(150, 240))
        # A fifth of the projects have gone quiet for a month or more: the link facilitator's
        # view shows who is stuck.
        quiet = rng.random() < 0.2 and not is_demo_login
        last = now - datetime.timedelta(days=rng.randrange(30, 70) if quiet else rng.randrange(0, 12))
        stage = stages[stage_index]
        school_id = membership.school_id or 0
        for entry_index in range(min(stage_index + 1, len(JOURNAL))):
            JournalEntry.objects.create(
                project=project,
                author=user,
                written_on=(started_at + datetime.timedelta(days=12 * entry_index)).date(),
                text=JOURNAL[entry_index],
            )
        if stage_index >= 3:
            ProjectStep.objects.bulk_create(
                ProjectStep(
                    project=project,
                    title=title,
                    due_on=(started_at + datetime.timedelta(days=days)).date(),
                    done_on=(started_at + datetime.timedelta(days=days)).date() if days < 60 else None,
                )
                for title, days in STEPS
            )
        facilitators = school_facilitators.get(school_id, [])
        if facilitators and stage_index >= 1:
            Comment.objects.create(
                project=project,
                thread=Thread.SCHOOL,
                author=facilitators[index % len(facilitators)].user,
                text=SCHOOL_FEEDBACK[index % len(SCHOOL_FEEDBACK)],
            )
        link = link_by_school.get(school_id)
        if link is not None and stage_index >= 2:
            Comment.objects.create(
                project=project, thread=Thread.LINK, author=link, text=LINK_FEEDBACK[index % len(LINK_FEEDBACK)]
            )
        principal = principals.get(school_id)
        if principal is not None and stage_index >= 3:
            DevelopmentProject.objects.filter(pk=project.pk).update(
                endorsed_by=principal.user,
                endorsed_at=started_at + datetime.timedelta(days=40),
                endorsement_note="Жобаны қолдаймын, әдістемелік бірлестікте таныстырыңыз.",
            )
        if stage_index >= 4 and (is_demo_login or index % 3 == 0):
            evidence_services.evidence_add(
                actor=user,
                project=project,
                title="Сабақтағы топтық жұмыс",
                description="Оқушылар жұпта мәтін талдап отыр (ата-аналардың келісімі бар).",
                upload=SimpleUploadedFile("lesson.png", _png(rng, "Shamy demo"), content_type="image/png"),
                shows_pupils=True,
                parental_consent=True,
                # The projects that get published (odd index) let their photo be published too.
                publication_consent=index % 2 == 1,
            )
            evidence_services.evidence_add(
                actor=user,
                project=project,
                title="Сауалнама нәтижелері (PDF)",
                upload=SimpleUploadedFile("survey.pdf", photo_pdf, content_type="application/pdf"),
            )
        if stage_index == len(stages) - 1:
            sections = list(project.portfolio.sections.all())
            for section in sections:
                section.body = "Бұл бөлімде мұғалім жобаның осы кезеңін сипаттайды: не істелді, қандай дәлел бар."
                section.version = 2
                section.updated_by = user
            type(sections[0]).objects.bulk_update(sections, ["body", "version", "updated_by"])
            if index % 2 == 0:
                Portfolio.objects.filter(pk=project.portfolio.pk).update(
                    status=PortfolioStatus.SUBMITTED, submitted_at=last, submitted_by=user
                )
        if stage_index >= len(stages) - 2 and published < 8 and index % 2 == 1:
            sharing_services.summary_publish(
                actor=user,
                project=project,
                summary=SUMMARY[0].format(theme=themes[code].name_kk.lower()),
                actions=SUMMARY[1],
                impact=SUMMARY[2],
                language="kk",
                show_name=True,
                show_school=index % 4 != 3,
            )
            published += 1
        DevelopmentProject.objects.filter(pk=project.pk).update(stage=stage, is_demo=True, last_activity_at=last)
    say(f"{len(memberships)} projects, {published} published summaries")
