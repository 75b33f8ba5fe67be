"""The fellowship demo (seed 000, like Teach for Qazaqstan), on top of ``seed_demo``.

- A first cohort of 22 fellows who finished two years (2021–2023) in the nine largest rural demo
  schools of Karagandy region, each teaching 120 to 350 pupils directly; the nine schools hold
  more than 6,000 pupils. All 22 are alumni now, on every pathway.
- A current cohort (2025–2027) of 16 fellows in Karagandy, Pavlodar, Kostanai and Aktobe, one
  of whom left early.
- A cohort recruiting now: applications in every stage, reviews, accepted fellows waiting for
  placement and open vacancies for the coordinator's placement run.
- Partnership agreements: the four regions signed, Abai prospective.
- Support of the current cohort: the summer induction training (attendance marked) and two mentor
  visits to each fellow the demo mentor follows, as gatherings of the attendance app.

Deterministic (fixed seed), idempotent (a second run changes nothing), refused on real data.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.attendance.models import AttendanceStatus, GatheringKind
from shamy.audit.services.entries import audit_record
from shamy.core.signals import bulk_data_changed
from shamy.fellowship.models import (
    PIPELINE,
    RUBRIC,
    Agreement,
    AgreementStatus,
    AlumniPathway,
    Application,
    CheckIn,
    Fellow,
    FellowshipCohort,
    LeavingReason,
    Pathway,
    Placement,
    PlacementStatus,
    Pupil,
    Review,
    Stage,
    StageChange,
    Subject,
    TaughtClass,
    Vacancy,
)
from shamy.fellowship.services.recruitment import _hash
from shamy.programmes.demo import ProgrammeDemoRefused, programme_demo_check
from shamy.programmes.models import Cohort, CohortSchool, Programme
from shamy.registry.models import Locality, Region, School

NAME_EN = "Qazaqstan fellowship: teach two years in a rural school (demo)"
KARAGANDY, PAVLODAR, KOSTANAI, AKTOBE, ABAI = "35", "55", "39", "15", "10"
FIRST_SCHOOLS = 9
FIRST_FELLOWS = 22
CURRENT_PER_REGION = 4
DEMO_DOMAIN = "demo.shamy.kz"
AUDIT_ACTION = "fellowship.demo.loaded"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    name: str
    sees: str


FELLOWSHIP_DEMO_LOGINS = (
    DemoLogin(
        "fellowship coordinator",
        f"fellowship@{DEMO_DOMAIN}",
        "Гүлнара Салменова",
        "the fellowship: pipeline, placement, cohorts by region, alumni",
    ),
    DemoLogin(
        "application reviewer",
        f"reviewer@{DEMO_DOMAIN}",
        "Әсел Қасымова",
        "only the applications assigned to them (/fellowship/)",
    ),
    DemoLogin("fellow", f"fellow@{DEMO_DOMAIN}", "Диас Нұрғалиев", "their own cohort's listing"),
    DemoLogin("mentor", f"mentor@{DEMO_DOMAIN}", "Марат Ержанов", "the fellows they mentor (check-ins)"),
)

GIVEN = [
    "Айдана",
    "Диас",
    "Жанар",
    "Ерлан",
    "Әсем",
    "Нұрлан",
    "Мадина",
    "Тимур",
    "Аружан",
    "Санжар",
    "Динара",
    "Ербол",
    "Гүлназ",
    "Арман",
    "Камила",
    "Бауыржан",
    "Томирис",
    "Дәулет",
    "Меруерт",
    "Алихан",
    "Жансая",
    "Олжас",
]
SURNAMES = [
    "Төлеген",
    "Нұрғалиев",
    "Әлиева",
    "Сейітов",
    "Жұмабаева",
    "Омаров",
    "Ахметова",
    "Исаев",
    "Бекова",
    "Қасымов",
    "Мұратова",
    "Серікбаев",
    "Оспанова",
    "Ержанов",
    "Сапарова",
    "Тоқтаров",
]
SUBJECTS = [
    Subject.MATHEMATICS,
    Subject.PHYSICS,
    Subject.ENGLISH,
    Subject.CHEMISTRY,
    Subject.BIOLOGY,
    Subject.INFORMATICS,
    Subject.KAZAKH,
    Subject.RUSSIAN,
    Subject.HISTORY,
]
CLASS_LETTERS = ["А", "Ә", "Б", "В"]
ORGANISATIONS = {
    Pathway.TEACHING: ["Ауыл мектебі", "Қарағанды қаласының №12 мектебі"],
    Pathway.LEADERSHIP: ["Ауыл мектебі (директордың орынбасары)"],
    Pathway.POLICY: ["Оқу-ағарту министрлігі", "Қарағанды облысының білім басқармасы"],
    Pathway.OTHER_SECTOR: ["Kaspi.kz", "Білім беру стартапы"],
    Pathway.STUDY: ["Назарбаев Университеті, магистратура"],
}
# The first cohort's 22 alumni: how many on each pathway, and how many of the teachers teach in a rural school.
PATHWAYS = (
    [Pathway.TEACHING] * 9
    + [Pathway.LEADERSHIP] * 3
    + [Pathway.POLICY] * 3
    + [Pathway.OTHER_SECTOR] * 4
    + [Pathway.STUDY] * 3
)
# Applications to the cohort recruiting now, by stage.
APPLICANTS = {
    Stage.DRAFT: 3,
    Stage.APPLIED: 8,
    Stage.SCREENED: 6,
    Stage.ASSESSMENT: 5,
    Stage.OFFER: 3,
    Stage.ACCEPTED: 6,
    Stage.TRAINING: 4,
    Stage.WITHDRAWN: 2,
    Stage.DECLINED: 4,
}


@dataclass
class FellowshipDemoSummary:
    already_loaded: bool
    counts: dict[str, int]
    seconds: float


def fellowship_demo_counts() -> dict[str, int]:
    programme = Programme.objects.filter(is_demo=True, name_en=NAME_EN).first()
    if programme is None:
        return {"cohorts": 0, "fellows": 0, "placements": 0, "applications": 0, "vacancies": 0, "pupils": 0}
    return {
        "cohorts": FellowshipCohort.objects.filter(cohort__programme=programme).count(),
        "fellows": Fellow.objects.filter(cohort__cohort__programme=programme).count(),
        "placements": Placement.objects.filter(fellow__cohort__cohort__programme=programme).count(),
        "applications": Application.objects.filter(cohort__cohort__programme=programme).count(),
        "vacancies": Vacancy.objects.filter(programme=programme).count(),
        "pupils": Pupil.objects.filter(classes__placement__fellow__cohort__cohort__programme=programme)
        .distinct()
        .count(),
    }


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        from shamy.registry.demo.loader import DEMO_PASSWORD

        self.rng = rng
        self.password = make_password(DEMO_PASSWORD)
        self.names = iter(f"{given} {SURNAMES[(index * 7) % len(SURNAMES)]}" for index, given in enumerate(GIVEN * 6))

    def user(self, email: str, full_name: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=full_name, is_demo=True, language="kk", password=self.password)
            user.full_clean()
            user.save()
        return user

    def name(self) -> str:
        return next(self.names)

    def language_of(self, school: School) -> str:
        return "ru" if school.language == "ru" else "kk"

    def fellow(
        self, cohort: FellowshipCohort, school: School | None, region_ids: list[int], name: str | None = None
    ) -> Fellow:
        subject = self.rng.choice(SUBJECTS)
        languages = ["kk", "ru"] if self.rng.random() < 0.6 else [self.language_of(school) if school else "kk"]
        fellow = Fellow.objects.create(
            cohort=cohort,
            full_name=name or self.name(),
            language="kk",
            subjects=sorted({subject, self.rng.choice(SUBJECTS)}),
            languages=languages,
            ranked_regions=region_ids[:2],
            needs_housing=self.rng.random() < 0.5,
            is_demo=True,
        )
        fellow.accepted_regions.set(region_ids)
        return fellow

    def classes(self, placement: Placement, years: list[int], taught: int, used: dict[int, set[str]]) -> None:
        """Classes with ``taught`` distinct pupils of the school (fellows of one school share some)."""
        school = placement.school
        codes = [f"{n:04d}" for n in self.rng.sample(range(1, school.pupils + 1), min(taught, school.pupils))]
        known = used.setdefault(school.pk, set())
        Pupil.objects.bulk_create([Pupil(school=school, code=code) for code in codes if code not in known])
        known.update(codes)
        pupils = {p.code: p for p in Pupil.objects.filter(school=school, code__in=codes)}
        size = max(15, len(codes) // 8)
        through = []
        for index in range(0, len(codes), size):
            grade = 5 + (index // size) % 7
            taught_class = TaughtClass.objects.create(
                placement=placement,
                school_year=years[(index // size) % len(years)],
                name=f"{grade} {CLASS_LETTERS[(index // size) % len(CLASS_LETTERS)]}",
                subject=placement.subject,
            )
            through += [
                TaughtClass.pupils.through(taughtclass_id=taught_class.pk, pupil_id=pupils[code].pk)
                for code in codes[index : index + size]
            ]
        TaughtClass.pupils.through.objects.bulk_create(through)

    def check_ins(self, placement: Placement, done: list[tuple[int, str]], mentor: User | None) -> None:
        rows = []
        for year, kind in done:
            rows.append(
                CheckIn(
                    placement=placement,
                    year=year,
                    kind=kind,
                    author_role="fellow",
                    progress=self.rng.randint(3, 5),
                    notes="Оқушылардың үлгерімі өсті.",
                )
            )
            rows.append(
                CheckIn(
                    placement=placement, year=year, kind=kind, author_role="principal", progress=self.rng.randint(3, 5)
                )
            )
            if mentor is not None:
                rows.append(
                    CheckIn(
                        placement=placement,
                        year=year,
                        kind=kind,
                        author_role="mentor",
                        author=mentor,
                        progress=self.rng.randint(2, 5),
                    )
                )
        CheckIn.objects.bulk_create(rows)


def _rural_schools(kato: str, count: int) -> list[School]:
    """The region's ``count`` largest rural demo schools (200 pupils or more at the national scale).

    A small registry demo (``seed_demo --scale 0.05``, as the phone and language walks load) holds
    fewer: the largest rural schools are then taken whatever their size and used again in turn, so
    the demo keeps its fellows, cohorts and pipeline (the first cohort's "nine schools with more than
    6,000 pupils" holds at the national scale only). Refused when the region has no rural school."""
    rural = School.objects.filter(is_demo=True, region__kato=kato, locality=Locality.RURAL).order_by("-pupils", "pk")
    schools = list(rural.filter(pupils__gte=200)[:count])
    if len(schools) < count:
        schools = list(rural[:count])
    if not schools:
        raise ProgrammeDemoRefused(
            f"No rural demo school in the region with KATO {kato}: run `python manage.py seed_demo` first."
        )
    return [schools[index % len(schools)] for index in range(count)]


def _cohort(
    programme: Programme, name_en: str, kk: str, ru: str, starts: datetime.date, ends: datetime.date, **extra: object
) -> FellowshipCohort:
    cohort = Cohort.objects.create(
        programme=programme, name_kk=kk, name_ru=ru, name_en=name_en, starts_on=starts, ends_on=ends
    )
    return FellowshipCohort.objects.create(cohort=cohort, **extra)  # type: ignore[arg-type]


def _support(cohort: FellowshipCohort, coordinator: User) -> None:
    """The current cohort's support, through the fellowship's services (so on the attendance app's
    gatherings and marks): the summer induction training, every serving fellow marked (one
    absent), and two visits of the mentor to each fellow they mentor."""
    from shamy.attendance.services.marking import attendance_mark
    from shamy.fellowship.services.support import mentor_visit_record, training_schedule

    start = timezone.make_aware(datetime.datetime(2025, 8, 18, 9, 0))
    training = training_schedule(
        actor=coordinator,
        cohort=cohort,
        kind=GatheringKind.INDUCTION,
        title="Жазғы дайындық: сабақты жоспарлау және сынып басқару",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=7),
        place="Қарағанды, оқыту орталығы",
    )
    for index, row in enumerate(training.attendances.select_related("gathering__programme").order_by("pk")):
        status = AttendanceStatus.ABSENT if index == 3 else AttendanceStatus.PRESENT
        attendance_mark(actor=coordinator, attendance=row, status=status)
    mentored = Placement.objects.filter(fellow__cohort=cohort, mentor__isnull=False, status=PlacementStatus.ACTIVE)
    for index, placement in enumerate(mentored.select_related("fellow__cohort__cohort__programme", "school", "mentor")):
        assert placement.mentor is not None
        for day, notes in (
            (
                datetime.date(2025, 10, 14 + index % 5),
                "Сабаққа қатыстым: оқушылар белсенді, уақытты жоспарлауды талқыладық.",
            ),
            (datetime.date(2026, 2, 17 + index % 5), "Бағалау әдістерін бірге қарадық; келесі айға мақсат қойдық."),
        ):
            mentor_visit_record(
                actor=placement.mentor,
                placement=placement,
                visited_on=day,
                starts_at=datetime.time(10, 0),
                hours=Decimal(2),
                notes=notes,
            )


def _load(builder: _Builder) -> Programme:
    rng = builder.rng
    regions = {r.kato: r for r in Region.objects.filter(kato__in=[KARAGANDY, PAVLODAR, KOSTANAI, AKTOBE, ABAI])}
    programme = Programme.objects.create(
        name_kk="Қазақстан үшін ұстаз: ауыл мектебінде екі жыл (демо)",
        name_ru="Учитель для Казахстана: два года в сельской школе (демо)",
        name_en=NAME_EN,
        starts_on=datetime.date(2021, 6, 1),
        ends_on=datetime.date(2030, 6, 30),
        is_demo=True,
    )
    coordinator = builder.user(FELLOWSHIP_DEMO_LOGINS[0].email, FELLOWSHIP_DEMO_LOGINS[0].name)
    reviewer = builder.user(FELLOWSHIP_DEMO_LOGINS[1].email, FELLOWSHIP_DEMO_LOGINS[1].name)
    fellow_user = builder.user(FELLOWSHIP_DEMO_LOGINS[2].email, FELLOWSHIP_DEMO_LOGINS[2].name)
    mentor = builder.user(FELLOWSHIP_DEMO_LOGINS[3].email, FELLOWSHIP_DEMO_LOGINS[3].name)
    Membership.objects.create(
        user=coordinator, role=Role.COORDINATOR, programme=programme, starts_on=programme.starts_on
    )
    for kato, signed, target_fellows, target_schools in (
        (KARAGANDY, datetime.date(2021, 5, 14), 30, 12),
        (PAVLODAR, datetime.date(2025, 4, 1), 10, 5),
        (KOSTANAI, datetime.date(2025, 4, 1), 10, 5),
        (AKTOBE, datetime.date(2025, 4, 15), 10, 5),
    ):
        Agreement.objects.create(
            programme=programme,
            region=regions[kato],
            status=AgreementStatus.SIGNED,
            signed_on=signed,
            target_fellows=target_fellows,
            target_schools=target_schools,
        )
    Agreement.objects.create(programme=programme, region=regions[ABAI], target_fellows=8, target_schools=4)
    used: dict[int, set[str]] = {}

    # The first cohort: 22 fellows, nine Karagandy rural schools, 2021–2023, all graduated.
    first = _cohort(
        programme,
        "First cohort 2021–2023 (demo)",
        "Бірінші когорта 2021–2023 (демо)",
        "Первая когорта 2021–2023 (демо)",
        datetime.date(2021, 8, 1),
        datetime.date(2023, 6, 30),
        target_fellows=22,
    )
    schools = _rural_schools(KARAGANDY, FIRST_SCHOOLS)
    graduated = datetime.date(2023, 6, 21)
    karagandy_id = regions[KARAGANDY].pk
    for index in range(FIRST_FELLOWS):
        school = schools[index % FIRST_SCHOOLS]
        fellow = builder.fellow(first, school, [karagandy_id])
        fellow.graduated_on = graduated
        fellow.save(update_fields=["graduated_on"])
        placement = Placement.objects.create(
            fellow=fellow,
            school=school,
            subject=fellow.subjects[0],
            starts_on=datetime.date(2021, 9, 1),
            ends_on=graduated,
            status=PlacementStatus.COMPLETED,
        )
        CohortSchool.objects.get_or_create(
            cohort=first.cohort, school=school, defaults={"joined_on": datetime.date(2021, 9, 1)}
        )
        taught = rng.randint(305, 350) if index % 7 == 0 else rng.randint(120, 300)
        builder.classes(placement, [2021, 2022], taught, used)
        builder.check_ins(placement, [(1, "mid_term"), (1, "end_of_year"), (2, "mid_term"), (2, "end_of_year")], None)
        pathway = PATHWAYS[index]
        AlumniPathway.objects.create(
            fellow=fellow,
            pathway=pathway,
            organisation=rng.choice(ORGANISATIONS[pathway]),
            region=regions[KARAGANDY] if pathway != Pathway.POLICY or index % 2 else None,
            in_rural_school=pathway in (Pathway.TEACHING, Pathway.LEADERSHIP) and index % 3 != 0,
            reported_on=datetime.date(2025, 9, 15),
        )

    # The current cohort: four regions, 2025–2027; one fellow left early.
    current = _cohort(
        programme,
        "Cohort 2025–2027 (demo)",
        "2025–2027 когортасы (демо)",
        "Когорта 2025–2027 (демо)",
        datetime.date(2025, 8, 1),
        datetime.date(2027, 6, 30),
        target_fellows=16,
    )
    Membership.objects.create(
        user=fellow_user,
        role=Role.FELLOW,
        programme=programme,
        cohort=current.cohort,
        starts_on=current.cohort.starts_on,
    )
    count = 0
    for kato in (KARAGANDY, PAVLODAR, KOSTANAI, AKTOBE):
        for school_index, school in enumerate(
            _rural_schools(kato, FIRST_SCHOOLS + 2)[FIRST_SCHOOLS - 7 :][: CURRENT_PER_REGION // 2]
        ):
            for _ in range(2):
                name = FELLOWSHIP_DEMO_LOGINS[2].name if count == 0 else None
                fellow = builder.fellow(current, school, [regions[kato].pk], name=name)
                if count == 0:
                    fellow.user = fellow_user
                    fellow.email = fellow_user.email
                    fellow.save(update_fields=["user", "email"])
                placement = Placement.objects.create(
                    fellow=fellow,
                    school=school,
                    subject=fellow.subjects[0],
                    starts_on=datetime.date(2025, 9, 1),
                    ends_on=datetime.date(2027, 6, 30),
                    mentor=mentor if school_index == 0 else None,
                )
                CohortSchool.objects.get_or_create(
                    cohort=current.cohort, school=school, defaults={"joined_on": datetime.date(2025, 9, 1)}
                )
                builder.classes(placement, [2025, 2026], rng.randint(120, 320), used)
                if kato == KOSTANAI and count % 4 == 3:
                    placement.status, placement.left_on, placement.leaving_reason = (
                        PlacementStatus.LEFT_EARLY,
                        datetime.date(2026, 2, 10),
                        LeavingReason.FAMILY,
                    )
                    placement.leaving_note = "Отбасымен басқа қалаға көшті."
                    placement.save()
                    builder.check_ins(placement, [(1, "mid_term")], placement.mentor)
                else:
                    builder.check_ins(
                        placement, [(1, "mid_term"), (1, "end_of_year"), (2, "mid_term")], placement.mentor
                    )
                count += 1

    _support(current, coordinator)

    # The cohort recruiting now: applications in every stage, accepted fellows, open vacancies.
    recruiting = _cohort(
        programme,
        "Cohort 2027–2029, recruiting (demo)",
        "2027–2029 когортасы, іріктеу (демо)",
        "Когорта 2027–2029, набор (демо)",
        datetime.date(2027, 8, 1),
        datetime.date(2029, 6, 30),
        target_fellows=12,
        applications_open=True,
        applications_close_on=datetime.date(2027, 3, 31),
    )
    open_regions = [regions[k].pk for k in (KARAGANDY, PAVLODAR, KOSTANAI, AKTOBE)]
    now = timezone.now()
    serial = 0
    for stage, how_many in APPLICANTS.items():
        for _ in range(how_many):
            serial += 1
            name = builder.name()
            accepted = rng.sample(open_regions, rng.randint(1, 3))
            subject = rng.choice(SUBJECTS)
            submitted = now - datetime.timedelta(days=rng.randint(40, 90))
            application = Application.objects.create(
                cohort=recruiting,
                token_hash=_hash(f"demo-application-{serial}"),
                email=f"applicant{serial}@{DEMO_DOMAIN}",
                language="ru" if serial % 3 == 0 else "kk",
                full_name=name,
                university="Қарағанды университеті",
                graduated_year=2024 + serial % 3,
                subjects=[subject],
                languages=["kk", "ru"] if serial % 2 else ["kk"],
                ranked_regions=accepted[:2],
                needs_housing=serial % 2 == 0,
                motivation="Ауыл балаларына сапалы білім бергім келеді.",
                stage=stage,
                stage_changed_at=submitted,
                submitted_at=None if stage == Stage.DRAFT else submitted,
            )
            application.accepted_regions.set(accepted)
            if stage == Stage.DRAFT:
                continue
            # Its way through the pipeline, a few days per stage.
            path = [Stage.DRAFT, Stage.APPLIED]
            if stage in PIPELINE:
                path = [Stage.DRAFT, *PIPELINE[: PIPELINE.index(stage) + 1]]
            else:
                path = [Stage.DRAFT, *PIPELINE[: rng.randint(1, 3)], stage]
            at = submitted
            for before, after in zip(path, path[1:], strict=False):
                StageChange.objects.create(
                    application=application,
                    from_stage=before,
                    to_stage=after,
                    at=at,
                    by=None if before == Stage.DRAFT else coordinator,
                )
                at += datetime.timedelta(days=rng.randint(3, 12))
            Application.objects.filter(pk=application.pk).update(stage_changed_at=at - datetime.timedelta(days=3))
            if serial % 2 or stage == Stage.APPLIED:
                review = Review.objects.create(application=application, reviewer=reviewer)
                if stage != Stage.APPLIED:
                    review.scores = {key: rng.randint(2, 5) for key in RUBRIC}
                    review.submitted_at = submitted + datetime.timedelta(days=5)
                    review.save()
            if stage in (Stage.ACCEPTED, Stage.TRAINING):
                fellow = builder.fellow(recruiting, None, accepted, name=name)
                fellow.application = application
                fellow.subjects = [subject]
                fellow.languages = application.languages
                fellow.ranked_regions = application.ranked_regions
                fellow.save()
    # A vacancy fitting each accepted fellow but the last (who shows why a fellow stays unplaced),
    # in one of the regions they ranked, and a few more in other subjects.
    kato_of = {region.pk: kato for kato, region in regions.items()}
    free = {
        kato: _rural_schools(kato, FIRST_SCHOOLS + 8)[FIRST_SCHOOLS + 2 :]
        for kato in (KARAGANDY, PAVLODAR, KOSTANAI, AKTOBE)
    }

    def next_free(kato: str) -> School:  # in turn: a small demo registry has few schools to spare
        school = free[kato].pop(0)
        free[kato].append(school)
        return school

    waiting = list(recruiting.fellows.order_by("pk"))
    for fellow in waiting[:-1]:
        kato = kato_of[
            fellow.ranked_regions[-1]
            if fellow.ranked_regions
            else fellow.accepted_regions.values_list("pk", flat=True)[0]
        ]
        school = next_free(kato)
        Vacancy.objects.create(
            programme=programme,
            school=school,
            subject=fellow.subjects[0],
            grades="5–11",
            language=fellow.languages[-1],
            starts_on=datetime.date(2027, 9, 1),
            housing=rng.random() < 0.5,
            posted_by=coordinator,
        )
    for kato in (KARAGANDY, PAVLODAR, KOSTANAI, AKTOBE):
        school = next_free(kato)
        Vacancy.objects.create(
            programme=programme,
            school=school,
            subject=rng.choice(SUBJECTS),
            grades="7–11",
            language=builder.language_of(school),
            starts_on=datetime.date(2027, 9, 1),
            housing=rng.random() < 0.5,
            posted_by=coordinator,
        )
    return programme


def fellowship_demo_load(*, report: Callable[[str], None] | None = None) -> FellowshipDemoSummary:
    """Load the fellowship demo unless it is loaded already. Raises ProgrammeDemoRefused on a
    database that must not (real data) or cannot yet (no registry demo) receive it."""
    started = time.monotonic()
    if Programme.objects.filter(is_demo=True, name_en=NAME_EN).exists():
        return FellowshipDemoSummary(True, fellowship_demo_counts(), 0.0)
    programme_demo_check()
    builder = _Builder(random.Random(15))  # noqa: S311 (demo data, not security)
    with transaction.atomic():
        programme = _load(builder)
        counts = fellowship_demo_counts()
        audit_record(actor=None, action=AUDIT_ACTION, target=programme, after=counts)
        transaction.on_commit(lambda: bulk_data_changed.send(sender="fellowship"))
    if report is not None:
        report(str(counts))
    return FellowshipDemoSummary(False, counts, time.monotonic() - started)
