"""Development projects, their portfolios and evidence, and what teachers choose to share.

A teacher (``registry.Person``) leads a project in one cohort at their school. The project
moves through the programme's methodology stages (``programmes.MethodologyStage``); its
journal, steps, evidence and feedback threads are gathered into a :class:`Portfolio` whose
sections will be mapped to assessment criteria (``PortfolioSection.criterion_code``).
Who may see which project is decided in :mod:`shamy.portfolios.permissions`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shamy.core.rules import RestrictedQuerySet
from shamy.core.translated import localized


class FocusThemeQuerySet(RestrictedQuerySet["FocusTheme"]):
    """Rules in ``portfolios/permissions.py``."""


class FocusTheme(models.Model):
    """An entry of the editable taxonomy of project themes (functional literacy, inclusion...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered for new projects"), default=True)

    objects = FocusThemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("focus theme")
        verbose_name_plural = _("focus themes")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized({"kk": self.name_kk, "ru": self.name_ru, "en": self.name_en})


class ProjectQuerySet(RestrictedQuerySet["DevelopmentProject"]):
    """Rules in ``portfolios/permissions.py``."""


class DevelopmentProject(models.Model):
    """A teacher-led development project on a concern of the teacher's own."""

    teacher = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="development_projects", verbose_name=_("teacher")
    )
    cohort = models.ForeignKey(
        "programmes.Cohort", on_delete=models.PROTECT, related_name="development_projects", verbose_name=_("cohort")
    )
    school = models.ForeignKey(
        "registry.School", on_delete=models.PROTECT, related_name="development_projects", verbose_name=_("school")
    )
    title = models.CharField(_("title"), max_length=300)
    concern = models.TextField(_("the concern"), blank=True)
    theme = models.ForeignKey(
        FocusTheme, on_delete=models.PROTECT, related_name="projects", verbose_name=_("focus theme")
    )
    stage = models.ForeignKey(
        "programmes.MethodologyStage", on_delete=models.PROTECT, related_name="projects", verbose_name=_("stage")
    )
    collaborators = models.ManyToManyField(
        "registry.Person", blank=True, related_name="collaborating_projects", verbose_name=_("collaborators")
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("endorsed by"),
    )
    endorsed_at = models.DateTimeField(_("endorsed"), null=True, blank=True)
    endorsement_note = models.TextField(_("endorsement note"), blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now, db_index=True)
    search_text = models.TextField(editable=False, default="")
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("development project")
        verbose_name_plural = _("development projects")
        ordering = ["-last_activity_at", "id"]
        indexes = [models.Index(fields=["cohort", "school"]), models.Index(fields=["teacher"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_endorsed(self) -> bool:
        return self.endorsed_at is not None


class ProjectStepQuerySet(RestrictedQuerySet["ProjectStep"]):
    """Rules in ``portfolios/permissions.py``."""


class ProjectStep(models.Model):
    """A planned step of the project (the planning stage), with its date."""

    project = models.ForeignKey(
        DevelopmentProject, on_delete=models.CASCADE, related_name="steps", verbose_name=_("project")
    )
    title = models.CharField(_("step"), max_length=300)
    due_on = models.DateField(_("by"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The change of "done" that stands (issue 13): when it was made (on its device, or the
    # server's time for a tap online), by whom, and the device's key. A change queued offline that
    # was made earlier than this one does not overwrite it: the later change wins.
    done_changed_at = models.DateTimeField(_("done changed at"), null=True, blank=True)
    done_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done changed by"),
    )
    done_change_key = models.UUIDField(_("idempotency key of the change"), null=True, blank=True)

    objects = ProjectStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("project step")
        verbose_name_plural = _("project steps")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class JournalEntry(models.Model):
    """A dated reflection in the project's journal."""

    project = models.ForeignKey(
        DevelopmentProject, on_delete=models.CASCADE, related_name="journal", verbose_name=_("project")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    written_on = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("reflection"))
    created_at = models.DateTimeField(auto_now_add=True)
    # Written offline on a device and sent later: when it was written there and, when the project
    # had moved stage meanwhile, the stage the writer saw and the stage it had on arrival (the
    # entry is kept either way; the page shows the note in the reader's language).
    written_on_device_at = models.DateTimeField(_("written on the device at"), null=True, blank=True)
    written_at_stage = models.ForeignKey(
        "programmes.MethodologyStage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stage when written"),
    )
    arrived_at_stage = models.ForeignKey(
        "programmes.MethodologyStage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stage when it arrived"),
    )

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-written_on", "-id"]

    def __str__(self) -> str:
        return f"{self.written_on}: {self.text[:40]}"


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    PDF = "pdf", _("PDF")
    DOCUMENT = "document", _("Office document")
    AUDIO = "audio", _("Audio recording")
    VIDEO_LINK = "video_link", _("Link to a video")


def evidence_path(instance: Evidence, filename: str) -> str:
    # The stored name never reuses the uploaded name: it may hold a pupil's name.
    return f"portfolios/evidence/{instance.project_id}/{uuid.uuid4().hex}{_suffix(filename)}"


def thumbnail_path(instance: Evidence, filename: str) -> str:
    return f"portfolios/thumbnails/{instance.project_id}/{uuid.uuid4().hex}.jpg"


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower() if dot != -1 and len(filename) - dot <= 6 else ""


class EvidenceQuerySet(RestrictedQuerySet["Evidence"]):
    """Rules in ``portfolios/permissions.py``."""


class Evidence(models.Model):
    """A piece of evidence: a stored file (type checked by content) or a link to a video."""

    project = models.ForeignKey(
        DevelopmentProject, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EvidenceKind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300, blank=True)
    thumbnail = models.FileField(_("thumbnail"), upload_to=thumbnail_path, max_length=300, blank=True)
    mime = models.CharField(_("content type"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    shows_pupils = models.BooleanField(_("shows pupils"), default=False)
    parental_consent = models.BooleanField(_("consent from parents is on file"), default=False)
    # Publishing is a separate choice from using the file in the portfolio: nothing appears on
    # the public page or the poster unless the teacher ticked this (default: not published).
    publication_consent = models.BooleanField(_("may be published"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("added by")
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(shows_pupils=False) | Q(parental_consent=True),
                name="evidence_pupils_need_consent",
                violation_error_message=_("An image showing pupils needs the parents' consent on file."),
            ),
            models.CheckConstraint(
                condition=Q(publication_consent=False) | Q(shows_pupils=False) | Q(parental_consent=True),
                name="evidence_published_pupils_need_consent",
                violation_error_message=_("A photo showing pupils is published only with the parents' consent."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="video_link") & ~Q(video_url="") & Q(file=""))
                | (~Q(kind="video_link") & Q(video_url="") & ~Q(file="")),
                name="evidence_file_or_link",
                violation_error_message=_("A video is given as a link; every other kind of evidence as a file."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Thread(models.TextChoices):
    SCHOOL = "school", _("With the school facilitator")
    LINK = "link", _("With the link facilitator")


class Comment(models.Model):
    """A message in one of a project's feedback threads."""

    project = models.ForeignKey(
        DevelopmentProject, on_delete=models.CASCADE, related_name="comments", verbose_name=_("project")
    )
    thread = models.CharField(_("thread"), max_length=10, choices=Thread.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("message"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback message")
        verbose_name_plural = _("feedback messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["project", "thread"])]

    def __str__(self) -> str:
        return self.text[:60]


class PortfolioStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class PortfolioQuerySet(RestrictedQuerySet["Portfolio"]):
    """Rules in ``portfolios/permissions.py``."""


class Portfolio(models.Model):
    """The project's records and evidence gathered into sections, for assessment."""

    project = models.OneToOneField(
        DevelopmentProject, on_delete=models.CASCADE, related_name="portfolio", verbose_name=_("project")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PortfolioStatus.choices, default=PortfolioStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )

    objects = PortfolioQuerySet.as_manager()

    class Meta:
        verbose_name = _("portfolio")
        verbose_name_plural = _("portfolios")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="portfolio_submitted_has_time",
                violation_error_message=_("A submitted portfolio needs its submission time."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.project)

    @property
    def is_submitted(self) -> bool:
        return self.status == PortfolioStatus.SUBMITTED


class PortfolioSectionQuerySet(RestrictedQuerySet["PortfolioSection"]):
    """Rules in ``portfolios/permissions.py``."""


class PortfolioSection(models.Model):
    """A section of a portfolio. ``criterion_code`` links it to an assessment criterion.

    ``version`` rises by one on every save; an edit made from an older version is a conflict
    (two people editing at once) and is refused instead of overwriting the other's text.
    """

    portfolio = models.ForeignKey(
        Portfolio, on_delete=models.CASCADE, related_name="sections", verbose_name=_("portfolio")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    criterion_code = models.CharField(_("assessment criterion"), max_length=40, blank=True)
    body = models.TextField(_("text"), blank=True)
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="sections", verbose_name=_("evidence"))
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last saved by"),
    )
    # The text that stands (issue 13): when it was written (on its device, or the server's time for
    # a save online) and the device's key. A text queued offline that was written earlier does not
    # overwrite it; it is kept as its writer's draft of the section instead.
    body_written_at = models.DateTimeField(_("text written at"), null=True, blank=True)
    body_key = models.UUIDField(_("idempotency key of the text"), null=True, blank=True)

    objects = PortfolioSectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("portfolio section")
        verbose_name_plural = _("portfolio sections")
        ordering = ["portfolio_id", "order", "id"]
        indexes = [models.Index(fields=["criterion_code"])]

    def __str__(self) -> str:
        return self.title


class DraftQuerySet(RestrictedQuerySet["Draft"]):
    """Rules in ``portfolios/permissions.py``."""


class Draft(models.Model):
    """Text saved as someone types (htmx autosave), so nothing is lost before they press Save.

    ``key`` names what the draft is for, e.g. ``section:12`` or ``journal:5``.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=60)
    text = models.TextField(blank=True)
    saved_at = models.DateTimeField(default=timezone.now)

    objects = DraftQuerySet.as_manager()

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="draft_unique_per_user_key")]

    def __str__(self) -> str:
        return self.key


class SharingConsent(models.Model):
    """The teacher's consent to publish a summary of the project, and what it may show."""

    project = models.ForeignKey(
        DevelopmentProject, on_delete=models.CASCADE, related_name="sharing_consents", verbose_name=_("project")
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("given by")
    )
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    show_name = models.BooleanField(_("show my name"), default=True)
    show_school = models.BooleanField(_("show my school and region"), default=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent to share")
        verbose_name_plural = _("consents to share")
        ordering = ["-given_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} · {self.given_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class SummaryLanguage(models.TextChoices):
    KAZAKH = "kk", _("Kazakh")
    RUSSIAN = "ru", _("Russian")
    ENGLISH = "en", _("English")


class PublicSummaryQuerySet(models.QuerySet["PublicSummary"]):
    def published(self) -> PublicSummaryQuerySet:
        return self.filter(published_at__isnull=False, consent__withdrawn_at__isnull=True)


class PublicSummary(models.Model):
    """The public summary of a project, shown only while the teacher's consent stands."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.OneToOneField(
        DevelopmentProject, on_delete=models.CASCADE, related_name="public_summary", verbose_name=_("project")
    )
    consent = models.ForeignKey(
        SharingConsent, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("consent")
    )
    language = models.CharField(
        _("language of the summary"), max_length=2, choices=SummaryLanguage.choices, default=SummaryLanguage.KAZAKH
    )
    summary = models.TextField(_("what the project was about"))
    actions = models.TextField(_("what was done"), blank=True)
    impact = models.TextField(_("the impact on pupils, colleagues and the school"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublicSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("public summary")
        verbose_name_plural = _("public summaries")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(consent__isnull=False),
                name="public_summary_published_with_consent",
                violation_error_message=_("A summary is published only with the teacher's consent."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.project)
