"""The fellowship test world: the foundation cast plus a fellowship programme and its people.

| name    | role                                      |
|---------|-------------------------------------------|
| gulnara | coordinator of fellowship programme F     |
| asel    | reviewer: no role, one assigned review    |
| dias    | fellow of cohort F1, placed in school A1  |
| marat   | dias's mentor (an account, no role)        |

Plus the foundation personas (``shamy.core.testing.cast``): bolat is the principal of school A1,
where dias teaches; saule of school B1.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from shamy.access.roles import Role
from shamy.core.testing.cast import PERSONAS, Cast
from shamy.core.testing.factories import MembershipFactory, UserFactory
from shamy.fellowship.models import (
    Agreement,
    AgreementStatus,
    Application,
    Fellow,
    FellowshipCohort,
    Placement,
    Review,
    Stage,
    Vacancy,
)
from shamy.fellowship.services.recruitment import _hash
from shamy.programmes.models import Cohort, Programme

FELLOWSHIP_PERSONAS = ("gulnara", "asel", "dias")
ALL = (*PERSONAS[:-1], *FELLOWSHIP_PERSONAS, "anonymous")
APPLICANT_TOKEN = "applicant-token-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
OTHER_TOKEN = "other-applicant-token-0123456789abcdefghijklmnopqrstuv"  # noqa: S105


@dataclass
class FellowshipCast(Cast):
    gulnara: object = None
    asel: object = None
    dias: object = None
    marat: object = None
    programme: Programme | None = None
    cohort: FellowshipCohort | None = None
    vacancy_a1: Vacancy | None = None
    vacancy_b1: Vacancy | None = None
    fellow_dias: Fellow | None = None
    fellow_other: Fellow | None = None
    placement: Placement | None = None
    application: Application | None = None
    other_application: Application | None = None


def build_fellowship_cast(cast: Cast) -> FellowshipCast:
    start = datetime.date(2024, 6, 1)
    programme = Programme.objects.create(
        name_kk="Стипендия бағдарламасы",
        name_ru="Стипендиальная программа",
        name_en="Fellowship F",
        starts_on=start,
        ends_on=datetime.date(2030, 6, 1),
    )
    cohort = Cohort.objects.create(
        programme=programme,
        name_kk="F1 когорта",
        name_ru="Когорта F1",
        name_en="Cohort F1",
        starts_on=start,
        ends_on=datetime.date(2026, 6, 30),
    )
    fellowship = FellowshipCohort.objects.create(cohort=cohort, target_fellows=10, applications_open=True)
    for region in (cast.region_a, cast.region_b):
        Agreement.objects.create(
            programme=programme, region=region, status=AgreementStatus.SIGNED, signed_on=start, target_fellows=5
        )
    gulnara = UserFactory(email="gulnara@example.kz", full_name="Гүлнара Салменова")
    asel = UserFactory(email="asel@example.kz", full_name="Әсел Қасымова")
    dias = UserFactory(email="dias@example.kz", full_name="Диас Нұрғалиев")
    marat = UserFactory(email="marat@example.kz", full_name="Марат Ержанов")
    MembershipFactory(user=gulnara, role=Role.COORDINATOR, programme=programme)
    MembershipFactory(user=dias, role=Role.FELLOW, programme=programme, cohort=cohort)
    vacancy_a1 = Vacancy.objects.create(
        programme=programme,
        school=cast.school_a1,
        subject="mathematics",
        grades="5–9",
        language="kk",
        starts_on=datetime.date(2024, 9, 1),
        housing=True,
    )
    vacancy_b1 = Vacancy.objects.create(
        programme=programme,
        school=cast.school_b1,
        subject="physics",
        grades="7–11",
        language="ru",
        starts_on=datetime.date(2024, 9, 1),
    )
    application = Application.objects.create(
        cohort=fellowship,
        token_hash=_hash(APPLICANT_TOKEN),
        email="applicant@example.kz",
        language="kk",
        full_name="Айдана Төлеген",
        university="ҚарМУ, физика",
        subjects=["physics"],
        languages=["ru", "kk"],
        motivation="Ауыл мектебінде сабақ бергім келеді.",
        stage=Stage.APPLIED,
        submitted_at=datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC),
    )
    application.accepted_regions.set([cast.region_b])
    other = Application.objects.create(
        cohort=fellowship,
        token_hash=_hash(OTHER_TOKEN),
        email="other@example.kz",
        language="ru",
        full_name="Олег Ким",
        stage=Stage.SCREENED,
        subjects=["mathematics"],
        languages=["ru"],
        submitted_at=datetime.datetime(2024, 3, 2, tzinfo=datetime.UTC),
    )
    Review.objects.create(application=application, reviewer=asel)
    fellow_dias = Fellow.objects.create(
        cohort=fellowship,
        user=dias,
        full_name="Диас Нұрғалиев",
        email="dias@example.kz",
        subjects=["mathematics"],
        languages=["kk"],
        ranked_regions=[cast.region_a.pk],
    )
    fellow_dias.accepted_regions.set([cast.region_a])
    fellow_other = Fellow.objects.create(
        cohort=fellowship,
        full_name="Айдана Төлеген",
        subjects=["physics"],
        languages=["ru"],
    )
    fellow_other.accepted_regions.set([cast.region_b])
    placement = Placement.objects.create(
        fellow=fellow_dias,
        vacancy=vacancy_a1,
        school=cast.school_a1,
        subject="mathematics",
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 6, 30),
        mentor=marat,
    )
    fields = {f: getattr(cast, f) for f in cast.__dataclass_fields__}
    return FellowshipCast(
        **fields,
        gulnara=gulnara,
        asel=asel,
        dias=dias,
        marat=marat,
        programme=programme,
        cohort=fellowship,
        vacancy_a1=vacancy_a1,
        vacancy_b1=vacancy_b1,
        fellow_dias=fellow_dias,
        fellow_other=fellow_other,
        placement=placement,
        application=application,
        other_application=other,
    )
