"""Portfolios without retyping (issue 11, point 4): quoting the project's records into sections,
confirming before submitting and removing, step buttons that say what they do, a locked
section explained, consented photos on the public page and the poster, and exports."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from shamy.audit.models import AuditEntry
from shamy.core.testing.files import jpeg_with_gps
from shamy.portfolios import quotes
from shamy.portfolios.models import Draft, Evidence, JournalEntry
from shamy.portfolios.poster import PosterContent, PosterPhoto, poster_content, poster_html, poster_layout
from shamy.portfolios.services import evidence as evidence_services
from shamy.portfolios.services import portfolios, projects, sharing
from shamy.portfolios.tests.conftest import make_project, submit_directly

pytestmark = pytest.mark.django_db


def photo(actor, project, title="Сабақ", **options):
    upload = SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")
    return evidence_services.evidence_add(actor=actor, project=project, title=title, upload=upload, **options)


def write_all(actor, project, text="Мәтін"):
    for section in project.portfolio.sections.all():
        portfolios.section_save(actor=actor, section=section, body=f"{section.title}: {text}", version=section.version)


def publish(project):
    return sharing.summary_publish(
        actor=project.teacher.user,
        project=project,
        summary="Оқушылардың мәтінді түсінуі",
        actions="Жұптық оқу",
        impact="Жақсарды",
        language="kk",
        show_name=True,
        show_school=True,
    )


# --- Quoting the project's records into a section ---------------------------------------------


def test_quote_block_names_its_source_under_the_quoted_lines():
    quote = quotes.Quote(token="journal:1", text="Бірінші жол\nЕкінші жол", source="Күнделіктен, 05.12.2026")
    assert quotes.append_quote("", quote) == "> Бірінші жол\n> Екінші жол\n— Күнделіктен, 05.12.2026\n"
    assert quotes.append_quote("Менің мәтінім\n\n", quote).startswith("Менің мәтінім\n\n> Бірінші жол\n")
    assert quotes.parse_token("journal:12") == ("journal", 12)
    assert quotes.parse_token("comment:12") is None
    assert quotes.parse_token("journal:١٢") is None


def test_section_editor_offers_the_projects_journal_steps_and_evidence(client, programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    projects.journal_add(
        actor=cast.talgat, project=project, text="Оқушылар жұппен оқыды", written_on=datetime.date(2026, 11, 20)
    )
    projects.step_add(actor=cast.talgat, project=project, title="Сауалнама өткізу", due_on=datetime.date(2026, 12, 1))
    photo(cast.talgat, project, title="Топтық жұмыс")
    other = make_project(cast.tomiris, cast.cohort_b, title="Басқа")
    projects.journal_add(actor=cast.tomiris, project=other, text="Бөтен жазба", written_on=datetime.date(2026, 11, 1))
    section = project.portfolio.sections.first()
    client.force_login(cast.talgat)
    response = client.get(reverse("portfolios:section-edit", args=[section.pk]))
    page = response.content.decode()
    sources = response.context["sources"]
    assert [q.text for q in sources.journal] == ["Оқушылар жұппен оқыды"]
    assert [q.text for q in sources.steps] == ["Сауалнама өткізу"]
    assert [q.text for q in sources.evidence] == ["Топтық жұмыс"]
    assert 'data-testid="insert-panel"' in page
    assert ">Version" not in page  # the hidden version field has no visible label
    assert "Бөтен жазба" not in page
    assert page.count('name="insert"') == 3


def test_inserting_a_journal_entry_quotes_it_with_its_date_and_keeps_the_typed_text(client, programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    entry = projects.journal_add(
        actor=cast.talgat, project=project, text="Оқушылар жұппен оқыды", written_on=datetime.date(2026, 11, 20)
    )
    section = project.portfolio.sections.first()
    client.force_login(cast.talgat)
    url = reverse("portfolios:section-edit", args=[section.pk])
    response = client.post(
        url,
        {"body": "Менің жазғаным", "version": section.version, "insert": f"journal:{entry.pk}"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.context["form"].initial["body"]
    with translation.override("kk"):
        source = quotes.journal_quote(entry).source
    assert body == f"Менің жазғаным\n\n> Оқушылар жұппен оқыды\n— {source}\n"
    assert "20.11.2026" in source
    # Not saved yet: kept as the draft (a reload restores it), saved by the Save button.
    section.refresh_from_db()
    assert section.body == ""
    assert Draft.objects.get(user=cast.talgat, key=f"section:{section.pk}").text == body
    # The htmx answer is the editor alone, ready to swap in.
    assert response.templates[0].name == "portfolios/_section_editor.html"
    save = client.post(url, {"body": body, "version": section.version})
    assert save.status_code == 302
    section.refresh_from_db()
    assert "> Оқушылар жұппен оқыды" in section.body


def test_inserting_evidence_also_ticks_it_for_the_section(client, programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    item = photo(cast.talgat, project, title="Топтық жұмыс", description="Оқушылар топпен талдады")
    section = project.portfolio.sections.first()
    client.force_login(cast.talgat)
    response = client.post(
        reverse("portfolios:section-edit", args=[section.pk]),
        {"body": "", "version": section.version, "insert": f"evidence:{item.pk}"},
    )
    form = response.context["form"]
    assert form.initial["evidence"] == [item.pk]
    assert form.initial["body"].startswith("> Оқушылар топпен талдады\n— ")
    assert "Топтық жұмыс" in form.initial["body"]


def test_a_record_of_another_project_cannot_be_inserted(client, programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    other = make_project(cast.tomiris, cast.cohort_b, title="Басқа")
    foreign = projects.journal_add(
        actor=cast.tomiris, project=other, text="Бөтен", written_on=datetime.date(2026, 11, 1)
    )
    section = project.portfolio.sections.first()
    client.force_login(cast.talgat)
    response = client.post(
        reverse("portfolios:section-edit", args=[section.pk]),
        {"body": "", "version": section.version, "insert": f"journal:{foreign.pk}"},
    )
    assert response.status_code == 404
    assert not Draft.objects.filter(user=cast.talgat).exists()


def test_section_editor_query_count_does_not_grow_with_the_records(client, programme_cast, django_assert_num_queries):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    section = project.portfolio.sections.first()
    client.force_login(cast.talgat)
    url = reverse("portfolios:section-edit", args=[section.pk])

    def add(count):
        for index in range(count):
            projects.journal_add(
                actor=cast.talgat, project=project, text=f"Жазба {index}", written_on=datetime.date(2026, 11, 1)
            )
            projects.step_add(
                actor=cast.talgat, project=project, title=f"Қадам {index}", due_on=datetime.date(2026, 12, 1)
            )

    add(2)
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    add(18)
    with django_assert_num_queries(len(two.captured_queries)):
        client.get(url)


# --- Confirmation before submitting and removing; step buttons -------------------------------


def test_submit_asks_for_confirmation_first(client, programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    write_all(cast.talgat, project)
    client.force_login(cast.talgat)
    url = reverse("portfolios:portfolio-submit", args=[project.pk])
    detail = client.get(reverse("portfolios:portfolio-detail", args=[project.pk])).content.decode()
    assert f'href="{url}"' in detail  # the page's button leads to the confirmation, it does not submit
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="confirm-submit"' in page.content.decode()
    project.portfolio.refresh_from_db()
    assert not project.portfolio.is_submitted
    assert client.post(url).status_code == 302
    project.portfolio.refresh_from_db()
    assert project.portfolio.is_submitted


def test_submit_confirmation_names_the_empty_sections_and_offers_no_submit(client, programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    client.force_login(cast.talgat)
    response = client.get(reverse("portfolios:portfolio-submit", args=[project.pk]))
    assert len(response.context["empty"]) == project.portfolio.sections.count()
    assert 'data-testid="confirm-submit"' not in response.content.decode()


def test_removing_evidence_asks_for_confirmation_first(client, programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    item = photo(cast.talgat, project, title="Топтық жұмыс")
    section = project.portfolio.sections.first()
    portfolios.section_save(actor=cast.talgat, section=section, body="Мәтін", version=1, evidence=[item])
    client.force_login(cast.talgat)
    url = reverse("portfolios:evidence-delete", args=[item.pk])
    project_page = client.get(reverse("portfolios:project-detail", args=[project.pk])).content.decode()
    assert f'href="{url}"' in project_page
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Топтық жұмыс" in text and section.title in text  # what goes, and where it is used
    assert Evidence.objects.filter(pk=item.pk).exists()
    assert client.post(url).status_code == 302
    assert not Evidence.objects.filter(pk=item.pk).exists()


def test_step_buttons_say_what_they_do(client, programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    step = projects.step_add(actor=cast.talgat, project=project, title="Сауалнама", due_on=datetime.date(2026, 12, 1))
    client.force_login(cast.talgat)
    url = reverse("portfolios:project-detail", args=[project.pk])
    with translation.override("kk"):
        done, undo = translation.gettext("Mark as done"), translation.gettext("Mark as not done")
    text = client.get(url).content.decode()
    assert done in text and undo not in text
    assert 'data-testid="step-status"' not in text
    projects.step_mark_done(actor=cast.talgat, step=step, done=True)
    text = client.get(url).content.decode()
    assert undo in text and done not in text
    assert 'data-testid="step-status"' in text  # the status is shown apart from the button


# --- A submitted section explains itself ----------------------------------------------------


def test_teacher_opening_a_submitted_section_gets_an_explanation_in_the_sites_layout(client, programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    submit_directly(project)
    section = project.portfolio.sections.first()
    client.force_login(cast.talgat)
    response = client.get(reverse("portfolios:section-edit", args=[section.pk]))
    assert response.status_code == 403
    assert [t.name for t in response.templates][:2] == ["portfolios/section_locked.html", "base.html"]
    page = response.content.decode()
    assert reverse("portfolios:portfolio-detail", args=[project.pk]) in page
    with translation.override("kk"):
        assert translation.gettext("This section is locked") in page
    # Writing is still refused: the page explains, the service decides.
    saved = client.post(reverse("portfolios:section-edit", args=[section.pk]), {"body": "x", "version": 1})
    assert saved.status_code == 403
    section.refresh_from_db()
    assert section.body == ""


def test_someone_who_may_not_edit_gets_a_plain_refusal_not_the_locked_page(client, programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    submit_directly(project)
    client.force_login(cast.timur)  # the school facilitator sees the project, never edits it
    response = client.get(reverse("portfolios:section-edit", args=[project.portfolio.sections.first().pk]))
    assert response.status_code == 403
    assert "portfolios/section_locked.html" not in [t.name for t in response.templates]


# --- Consented photos on the public page and the poster ---------------------------------------


def test_evidence_is_not_published_unless_the_teacher_says_so(programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    assert photo(cast.talgat, project).publication_consent is False


def test_a_photo_of_pupils_without_the_parents_consent_cannot_be_published(programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    item = photo(cast.talgat, project)
    Evidence.objects.filter(pk=item.pk).update(shows_pupils=True, parental_consent=True)
    item.refresh_from_db()
    item.parental_consent = False
    item.publication_consent = True
    with pytest.raises(ValidationError):
        item.full_clean()  # the database constraint, as full_clean checks it


def test_public_page_shows_only_consented_photos_and_withdrawal_takes_them_down(client, programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    shown = photo(cast.talgat, project, title="Ашық сабақ", publication_consent=True)
    hidden = photo(cast.talgat, project, title="Ішкі құжат")
    summary = publish(project)
    page = client.get(reverse("portfolios:public-detail", args=[summary.public_id])).content.decode()
    shown_url = reverse("portfolios:public-photo", args=[summary.public_id, shown.pk])
    hidden_url = reverse("portfolios:public-photo", args=[summary.public_id, hidden.pk])
    assert shown_url in page and "Ашық сабақ" in page
    assert hidden_url not in page and "Ішкі құжат" not in page
    response = client.get(shown_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client.get(hidden_url).status_code == 404
    assert client.get(shown_url + "?size=thumbnail").status_code == 200
    evidence_services.evidence_set_publication(actor=cast.talgat, evidence=shown, published=False)
    assert client.get(shown_url).status_code == 404
    entry = AuditEntry.objects.filter(action="portfolios.evidence.publication_changed").latest("id")
    assert entry.after == {"publication_consent": False}


def test_a_photo_of_another_project_is_not_served_under_this_projects_page(client, programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    summary = publish(project)
    other = make_project(cast.tomiris, cast.cohort_b, title="Басқа")
    foreign = photo(cast.tomiris, other, publication_consent=True)
    assert client.get(reverse("portfolios:public-photo", args=[summary.public_id, foreign.pk])).status_code == 404


def test_upload_form_asks_for_publication_consent_unticked(client, programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    client.force_login(cast.talgat)
    form = client.get(reverse("portfolios:evidence-add", args=[project.pk])).context["form"]
    assert form.fields["publication_consent"].initial is False
    response = client.post(
        reverse("portfolios:evidence-add", args=[project.pk]),
        {
            "title": "Көрме",
            "file": SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg"),
            "publication_consent": "on",
        },
    )
    assert response.status_code == 302
    assert Evidence.objects.get(title="Көрме").publication_consent is True


def test_poster_carries_only_the_consented_photos(programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    shown = photo(cast.talgat, project, title="Ашық сабақ", publication_consent=True)
    photo(cast.talgat, project, title="Ішкі құжат")
    summary = publish(project)
    from shamy.portfolios import selectors

    content = poster_content(summary, "https://example.org/p", photos=selectors.public_photos(summary=summary))
    assert [p.caption for p in content.photos] == [shown.title]
    html = poster_html(content)
    assert html.count("data:image/jpeg;base64,") == 1
    assert "Ішкі құжат" not in html


def _boxes(html: str) -> tuple[int, dict[str, tuple[float, float]]]:
    from weasyprint import HTML

    document = HTML(string=html).render()
    found: dict[str, tuple[float, float]] = {}
    for box in document.pages[0]._page_box.descendants():
        element = getattr(box, "element", None)
        name = element.get("id") if element is not None else None
        if name and name not in found:
            found[name] = (box.position_y * 25.4 / 96, box.margin_height() * 25.4 / 96)
    return len(document.pages), found


def test_a3_poster_with_photos_fills_the_sheet_on_one_page():
    from PIL import Image

    def image(colour):
        out = io.BytesIO()
        Image.new("RGB", (400, 300), colour).save(out, format="JPEG")
        import base64

        return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()

    content = PosterContent(
        title="Оқушылардың мәтінді түсінуін арттыру",
        author="Талғат Серікұлы",
        school="№1 мектеп",
        region="Абай облысы",
        theme="Функционалдық сауаттылық",
        programme="Ауыл мектептері",
        sections=[
            ("Мәселе", "Оқушылар мәтіннің негізгі ойын таба алмайды. " * 4),
            ("Не істелді", "Жұптық оқу мен сұрақ қою әдісі енгізілді. " * 5),
            ("Әсер", "Оқушылардың жауаптары толығырақ болды. " * 3),
        ],
        public_url="https://example.org/p",
        photos=[PosterPhoto(image((200, 90, 40)), "Сабақ"), PosterPhoto(image((40, 90, 200)), "Көрме")],
    )
    pages, boxes = _boxes(poster_html(content, size="A3"))
    assert pages == 1
    sheet_top, sheet_height = boxes["sheet"]
    photos_top, photos_height = boxes["photos"]
    footer_top = boxes["footer"][0]
    # The photos take what the text leaves, down to the footer: no empty band on the sheet.
    assert footer_top - (photos_top + photos_height) < 10
    assert photos_height > 0.25 * sheet_height
    assert footer_top + boxes["footer"][1] <= sheet_top + sheet_height + 1
    # Before: about 70% of the sheet stayed empty; the text now fills its share (type above 13 pt).
    assert float(poster_html(content).split("font-size: ", 2)[1].split("pt")[0]) > 13


def test_poster_type_grows_for_a_short_text_and_a_long_text_keeps_one_row_of_photos():
    def content(characters, photos):
        return PosterContent(
            title="Жоба",
            author="",
            school="",
            region="",
            theme="",
            programme="",
            sections=[("Мәселе", "с" * characters)],
            photos=[PosterPhoto("data:image/jpeg;base64,", str(index)) for index in range(photos)],
        )

    short, long = poster_layout(content(300, 0)), poster_layout(content(6000, 6))
    assert short.body_pt > 20 and short.photo_count == 0
    assert long.body_pt == 12.0
    assert (long.photo_count, long.photo_rows, long.photo_columns) == (3, 1, 3)
    assert poster_layout(content(600, 4)).photo_count == 4
    assert poster_layout(content(300, 0), size="A1").body_pt == 2 * short.body_pt


# --- Export as one PDF and as a ZIP ----------------------------------------------------------


def test_portfolio_exports_as_one_pdf_with_its_sections_and_photos(client, programme_cast):
    from shamy.credentials.tests.test_certificates import pdf_text

    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a, title="Мәтінді түсіну")
    item = photo(cast.talgat, project, title="Топтық жұмыс")
    write_all(cast.talgat, project, text="Әңгіме, ғылым, құқық")
    client.force_login(cast.talgat)
    response = client.get(reverse("portfolios:portfolio-export-pdf", args=[project.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert b"/Subtype /Image" in pdf or b"/Subtype/Image" in pdf  # the photo is embedded
    text = pdf_text(pdf)
    first = project.portfolio.sections.first()
    assert first.title in text
    assert "Әңгіме, ғылым, құқық" in text
    assert item.title in text
    assert not AuditEntry.objects.filter(action__contains="export").exists()  # a read


def test_portfolio_exports_as_a_zip_with_its_files(client, programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    item = photo(cast.talgat, project, title="Топтық жұмыс")
    evidence_services.evidence_add(actor=cast.talgat, project=project, title="Видео", video_url="https://example.org/v")
    client.force_login(cast.timur)  # the school facilitator may read the portfolio: may export it
    response = client.get(reverse("portfolios:portfolio-export-zip", args=[project.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert "portfolio.pdf" in names and "portfolio.html" in names
    stored = [name for name in names if name.startswith("evidence/")]
    assert stored == ["evidence/01-топтық-жұмыс.jpg"]
    with item.file.open("rb") as handle:
        assert archive.read(stored[0]) == handle.read()
    html = archive.read("portfolio.html").decode()
    assert f'src="{stored[0]}"' in html and f'href="{stored[0]}"' in html
    assert "https://example.org/v" in html
    assert archive.read("portfolio.pdf").startswith(b"%PDF")


# --- Submitting on the portfolio's page starts its assessment ----------------------------------


def test_submitting_the_portfolio_creates_the_assessment_submission(
    client, programme_cast, django_capture_on_commit_callbacks
):
    from shamy.assessment.models import Submission
    from shamy.assessment.tests.conftest import make_rubric

    cast = programme_cast
    make_rubric(cast.programme)
    project = make_project(cast.talgat, cast.cohort_a)
    write_all(cast.talgat, project)
    client.force_login(cast.talgat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portfolios:portfolio-submit", args=[project.pk]))
    submission = Submission.objects.get(portfolio=project.portfolio)
    assert submission.version == 1
    assert submission.submitted_by == cast.talgat


def test_submitting_without_a_rubric_still_submits_the_portfolio(
    client, programme_cast, django_capture_on_commit_callbacks
):
    from shamy.assessment.models import Submission

    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    write_all(cast.talgat, project)
    client.force_login(cast.talgat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portfolios:portfolio-submit", args=[project.pk]))
    project.portfolio.refresh_from_db()
    assert project.portfolio.is_submitted
    assert not Submission.objects.filter(portfolio=project.portfolio).exists()


def test_submitting_through_assessment_makes_one_submission_not_two(programme_cast, django_capture_on_commit_callbacks):
    from shamy.assessment.models import Submission
    from shamy.assessment.services.submissions import submission_create
    from shamy.assessment.tests.conftest import make_rubric

    cast = programme_cast
    make_rubric(cast.programme)
    project = make_project(cast.talgat, cast.cohort_a)
    write_all(cast.talgat, project)
    with django_capture_on_commit_callbacks(execute=True):
        submission_create(actor=cast.talgat, portfolio=project.portfolio)
    assert Submission.objects.filter(portfolio=project.portfolio).count() == 1


def test_journal_entry_model_is_quoted_with_the_readers_date_format(programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    entry = JournalEntry.objects.create(
        project=project, author=cast.talgat, text="x", written_on=datetime.date(2026, 1, 5)
    )
    with translation.override("ru"):
        assert "05.01.2026" in quotes.journal_quote(entry).source
