"""A cohort page links only to what its viewer may open (issue 12, point 9).

Cohort pages offered every school's ``.ics`` calendar, which answered 404 for six roles. Each
persona opens every cohort page it can, then every same-site link on it: none may answer 403 or 404.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from shamy.programmes.testing import ALL_PERSONAS

pytestmark = pytest.mark.django_db

HREF = re.compile(r'<a\s[^>]*href="(/[^"#]*)')


@pytest.mark.parametrize("persona", [name for name in ALL_PERSONAS if name != "anonymous"])
def test_no_link_on_a_cohort_page_leads_to_a_refusal(client, programme_cast, persona):
    client.force_login(getattr(programme_cast, persona))
    broken = []
    for cohort in (programme_cast.cohort_a, programme_cast.cohort_b, programme_cast.other_cohort):
        page = client.get(reverse("programmes:cohort-detail", args=[cohort.pk]))
        if page.status_code != 200:
            continue
        for href in sorted(set(HREF.findall(page.content.decode()))):
            href = href.replace("&amp;", "&")
            status = client.get(href).status_code
            if status in (403, 404):
                broken.append(f"{cohort.name}: {href} answers {status}")
    assert broken == []


def test_a_coordinator_still_gets_every_schools_calendar(client, programme_cast):
    client.force_login(programme_cast.aliya)
    page = client.get(reverse("programmes:cohort-detail", args=[programme_cast.cohort_a.pk])).content.decode()
    calendar = reverse("attendance:school-calendar", args=[programme_cast.cohort_school_a1.school_id])
    assert calendar in page
    assert client.get(calendar).status_code == 200


def test_a_teacher_sees_no_calendar_link_for_another_school(client, programme_cast):
    # tomiris teaches in cohort B: cohort A's school calendar is not hers to open.
    client.force_login(programme_cast.tomiris)
    page = client.get(reverse("programmes:cohort-detail", args=[programme_cast.cohort_a.pk]))
    calendar = reverse("attendance:school-calendar", args=[programme_cast.cohort_school_a1.school_id])
    if page.status_code == 200:
        assert calendar not in page.content.decode()
    assert client.get(calendar).status_code == 404
