from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shamy.audit.models import AuditEntry
from shamy.core.testing.files import jpeg_with_gps
from shamy.portfolios.models import Draft, Evidence, EvidenceKind, PortfolioStatus, PublicSummary, Thread
from shamy.portfolios.services import drafts, evidence, portfolios, projects, sharing
from shamy.portfolios.tests.conftest import make_project, stage

pytestmark = pytest.mark.django_db


def test_project_starts_at_first_stage_with_default_sections(programme_cast):
    project = make_project(programme_cast.talgat, programme_cast.cohort_a)
    assert project.stage.code == "concern"
    assert project.school == programme_cast.school_a1
    assert project.teacher == programme_cast.person_talgat
    assert project.portfolio.sections.count() == len(projects.DEFAULT_SECTIONS)
    assert AuditEntry.objects.filter(action="portfolios.project.created", target_id=str(project.pk)).exists()


def test_only_a_teacher_of_the_cohort_starts_a_project(programme_cast):
    with pytest.raises(PermissionDenied):
        make_project(programme_cast.timur, programme_cast.cohort_a)
    with pytest.raises(PermissionDenied):
        make_project(programme_cast.talgat, programme_cast.cohort_b)


def test_stage_moves_forward_one_at_a_time_and_back_one(programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    projects.project_move_stage(actor=cast.talgat, project=project, stage=stage(cast, "values"))
    projects.project_move_stage(actor=cast.talgat, project=project, stage=stage(cast, "consult"))
    with pytest.raises(ValidationError):
        projects.project_move_stage(actor=cast.talgat, project=project, stage=stage(cast, "reflect"))
    projects.project_move_stage(actor=cast.talgat, project=project, stage=stage(cast, "values"))
    project.refresh_from_db()
    assert project.stage.code == "values"
    moves = AuditEntry.objects.filter(action="portfolios.project.stage_moved", target_id=str(project.pk))
    assert moves.count() == 3
    assert moves.order_by("-id").first().before == {"stage_id": stage(cast, "consult").pk}


def test_stage_of_another_programme_is_refused(programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    with pytest.raises(ValidationError):
        projects.project_move_stage(
            actor=cast.talgat, project=project, stage=stage(cast, "values", cast.other_programme)
        )


def test_facilitator_cannot_move_a_teachers_stage(programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    with pytest.raises(PermissionDenied):
        projects.project_move_stage(actor=cast.timur, project=project, stage=stage(cast, "values"))


def test_concurrent_section_edits_conflict_instead_of_overwriting(programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    project.collaborators.add(cast.person_timur)
    section = project.portfolio.sections.first()
    loaded_version = section.version
    portfolios.section_save(actor=cast.talgat, section=section, body="Талғаттың мәтіні", version=loaded_version)
    with pytest.raises(portfolios.SectionConflict) as conflict:
        portfolios.section_save(actor=cast.timur, section=section, body="Тимурдың мәтіні", version=loaded_version)
    assert conflict.value.current.body == "Талғаттың мәтіні"
    section.refresh_from_db()
    assert (section.body, section.version) == ("Талғаттың мәтіні", loaded_version + 1)
    portfolios.section_save(actor=cast.timur, section=section, body="Бірлескен мәтін", version=section.version)
    section.refresh_from_db()
    assert section.body == "Бірлескен мәтін"


def test_evidence_showing_pupils_requires_parental_consent(programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    upload = SimpleUploadedFile("class.jpg", jpeg_with_gps(), content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        evidence.evidence_add(actor=cast.talgat, project=project, title="Сабақ", upload=upload, shows_pupils=True)
    assert "parental_consent" in error.value.message_dict
    assert not Evidence.objects.exists()
    added = evidence.evidence_add(
        actor=cast.talgat, project=project, title="Сабақ", upload=upload, shows_pupils=True, parental_consent=True
    )
    assert added.parental_consent


def test_stored_photo_has_no_exif_or_gps_and_a_thumbnail(programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    upload = SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), content_type="image/jpeg")
    added = evidence.evidence_add(actor=cast.talgat, project=project, title="Фото", upload=upload)
    assert added.kind == EvidenceKind.PHOTO
    assert "IMG_0001" not in str(added.file.name)
    with default_storage.open(added.file.name, "rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert not image.getexif()
        assert not image.getexif().get_ifd(0x8825)
    assert default_storage.exists(added.thumbnail.name)


def test_text_disguised_as_pdf_is_rejected_and_nothing_stored(programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    upload = SimpleUploadedFile("report.pdf", b"just some text, not a PDF\n" * 20, content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        evidence.evidence_add(actor=cast.talgat, project=project, title="Есеп", upload=upload)
    assert "file" in error.value.message_dict
    assert not Evidence.objects.exists()


def test_video_link_evidence_needs_no_file(programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    added = evidence.evidence_add(
        actor=cast.talgat, project=project, title="Сабақ видеосы", video_url="https://video.example.kz/lesson"
    )
    assert added.kind == EvidenceKind.VIDEO_LINK
    assert not added.file


def test_link_facilitator_writes_only_in_the_link_thread(programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    comment = projects.comment_add(actor=cast.madina, project=project, thread=Thread.LINK, text="Жақсы бастама!")
    assert comment.thread == Thread.LINK
    with pytest.raises(PermissionDenied):
        projects.comment_add(actor=cast.madina, project=project, thread=Thread.SCHOOL, text="...")
    with pytest.raises(PermissionDenied):
        projects.comment_add(actor=cast.timur, project=project, thread=Thread.LINK, text="...")


def test_only_the_principal_endorses(programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    with pytest.raises(PermissionDenied):
        projects.project_endorse(actor=cast.timur, project=project)
    with pytest.raises(PermissionDenied):
        projects.project_endorse(actor=cast.saule, project=project)
    projects.project_endorse(actor=cast.bolat, project=project, note="Қолдаймын")
    project.refresh_from_db()
    assert project.endorsed_by == cast.bolat and project.endorsement_note == "Қолдаймын"


def test_submitting_needs_every_section_written_and_locks_editing(programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    with pytest.raises(ValidationError):
        portfolios.portfolio_submit(actor=cast.talgat, portfolio=project.portfolio)
    for section in project.portfolio.sections.all():
        portfolios.section_save(actor=cast.talgat, section=section, body="Мәтін", version=section.version)
    portfolios.portfolio_submit(actor=cast.talgat, portfolio=project.portfolio)
    project.portfolio.refresh_from_db()
    assert project.portfolio.status == PortfolioStatus.SUBMITTED
    first = project.portfolio.sections.first()
    with pytest.raises(PermissionDenied):
        portfolios.section_save(actor=cast.talgat, section=first, body="Өзгеріс", version=first.version)


def test_autosave_keeps_a_draft_only_for_writable_keys(programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    section = project.portfolio.sections.first()
    drafts.draft_save(actor=cast.talgat, key=f"section:{section.pk}", text="жарты")
    drafts.draft_save(actor=cast.talgat, key=f"section:{section.pk}", text="жартылай жазылған")
    assert Draft.objects.get(user=cast.talgat).text == "жартылай жазылған"
    with pytest.raises(PermissionDenied):
        drafts.draft_save(actor=cast.tomiris, key=f"section:{section.pk}", text="бөтен")
    with pytest.raises(PermissionDenied):
        drafts.draft_save(actor=cast.talgat, key="anything:1", text="x")
    portfolios.section_save(actor=cast.talgat, section=section, body="толық", version=section.version)
    assert not Draft.objects.filter(user=cast.talgat).exists()


def test_publishing_records_consent_and_withdrawing_unpublishes(programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    public = sharing.summary_publish(
        actor=cast.talgat,
        project=project,
        summary="Оқу сауаттылығы",
        actions="",
        impact="",
        language="kk",
        show_name=True,
        show_school=False,
    )
    assert PublicSummary.objects.published().get() == public
    assert public.consent.given_by == cast.talgat and not public.consent.show_school
    with pytest.raises(PermissionDenied):
        sharing.summary_publish(
            actor=cast.timur,
            project=project,
            summary="x",
            actions="",
            impact="",
            language="kk",
            show_name=True,
            show_school=True,
        )
    sharing.consent_withdraw(actor=cast.talgat, project=project)
    assert not PublicSummary.objects.published().exists()


def test_removing_evidence_deletes_its_files_after_commit(programme_cast, django_capture_on_commit_callbacks):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    upload = SimpleUploadedFile("x.jpg", jpeg_with_gps(), content_type="image/jpeg")
    added = evidence.evidence_add(actor=cast.talgat, project=project, title="Фото", upload=upload)
    names, evidence_id = [added.file.name, added.thumbnail.name], added.pk
    with pytest.raises(PermissionDenied):
        evidence.evidence_delete(actor=cast.timur, evidence=added)
    with django_capture_on_commit_callbacks(execute=True):
        evidence.evidence_delete(actor=cast.talgat, evidence=added)
    assert not Evidence.objects.filter(pk=evidence_id).exists()
    assert not any(default_storage.exists(name) for name in names)
    assert AuditEntry.objects.filter(action="portfolios.evidence.deleted", target_id=str(evidence_id)).exists()
