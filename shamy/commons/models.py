"""The knowledge commons: a public library of project summaries, posters, materials and webinars.

An item is written in one language (kk, ru, en, and ky, tg, uz), so its title and text are plain
columns in that language, searched through ``search_stems`` (see :mod:`shamy.commons.search`).
Items from published project summaries follow the teacher's consent: an item whose summary is
withdrawn is never public, whatever its own status says.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shamy.core.rules import RestrictedQuerySet
from shamy.registry.models import Country


class Kind(models.TextChoices):
    PROJECT = "project", _("Project summary")
    POSTER = "poster", _("Poster")
    GUIDE = "guide", _("Guide")
    BOOK = "book", _("Book")
    SESSION_PLAN = "session_plan", _("Session plan")
    WEBINAR = "webinar", _("Webinar recording")


class Language(models.TextChoices):
    """The languages of items. Adding one is data and translation work: a new choice here (no
    schema change: the column is text) and a catalogue for the interface."""

    KAZAKH = "kk", _("Kazakh")
    RUSSIAN = "ru", _("Russian")
    ENGLISH = "en", _("English")
    KYRGYZ = "ky", _("Kyrgyz")
    TAJIK = "tg", _("Tajik")
    UZBEK = "uz", _("Uzbek")


class Licence(models.TextChoices):
    CC_BY = "CC-BY-4.0", "CC BY 4.0"
    CC_BY_SA = "CC-BY-SA-4.0", "CC BY-SA 4.0"
    CC_BY_NC = "CC-BY-NC-4.0", "CC BY-NC 4.0"
    CC_BY_NC_SA = "CC-BY-NC-SA-4.0", "CC BY-NC-SA 4.0"
    CC0 = "CC0-1.0", _("CC0 1.0 (public domain)")
    RESERVED = "reserved", _("All rights reserved")


LICENCE_URLS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/",
    Licence.CC_BY_NC_SA: "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
}


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for moderation")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Not accepted")


def public_condition() -> Q:
    """Published items; an item from a project summary only while the summary is published with
    the teacher's consent standing (on ``Resource`` and on its search row alike)."""
    return Q(status=Status.PUBLISHED) & (
        Q(public_summary__isnull=True)
        | Q(public_summary__published_at__isnull=False, public_summary__consent__withdrawn_at__isnull=True)
    )


def public_search_condition() -> Q:
    """:func:`public_condition` for the search rows (:class:`ResourceSearch`): the summaries that
    stand (published, consent not withdrawn) as a subquery PostgreSQL hashes once, a handful of
    rows, instead of two outer joins per row, which made the planner look up every match's summary
    (10,700 buffers instead of 970 for the 2,565 title matches of "action research")."""
    from shamy.portfolios.models import PublicSummary

    standing = PublicSummary.objects.filter(published_at__isnull=False, consent__withdrawn_at__isnull=True)
    return Q(status=Status.PUBLISHED) & (
        Q(public_summary__isnull=True) | Q(public_summary_id__in=standing.values("pk"))
    )


class ResourceQuerySet(RestrictedQuerySet["Resource"]):
    def public(self) -> ResourceQuerySet:
        """Published items; an item from a project summary only while the summary is published
        with the teacher's consent standing. Everyone may read these, signed in or not."""
        return self.filter(public_condition())


def resource_path(instance: Resource, filename: str) -> str:
    return f"commons/{instance.public_id}/{filename}"


class Resource(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("short description"))
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.KAZAKHSTAN)
    theme = models.ForeignKey(
        "portfolios.FocusTheme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("theme"),
    )
    licence = models.CharField(_("licence"), max_length=16, choices=Licence.choices, default=Licence.CC_BY)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    author_name = models.CharField(_("author as credited"), max_length=300, blank=True)
    anonymous = models.BooleanField(_("credit anonymously"), default=False)
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    public_summary = models.OneToOneField(
        "portfolios.PublicSummary",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="commons_item",
        verbose_name=_("project summary"),
    )
    file = models.FileField(_("file"), upload_to=resource_path, max_length=300, blank=True)
    mime = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    url = models.URLField(_("link (e.g. a recording)"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderation_note = models.TextField(_("note to the author"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    title_stems = models.TextField(editable=False, default="")
    search_stems = models.TextField(editable=False, default="")
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("commons item")
        verbose_name_plural = _("commons items")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "language", "kind"], name="commons_filters")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="commons_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def credit(self) -> str:
        if self.anonymous:
            return str(_("Anonymous author"))
        return self.author_name

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS.get(Licence(self.licence), "") if self.licence in Licence.values else ""

    def clean(self) -> None:
        if self.kind == Kind.WEBINAR and not self.url:
            raise ValidationError({"url": _("A webinar recording needs its link.")})


class ResourceSearch(models.Model):
    """PostgreSQL only: an item's narrow search row, kept by triggers on ``commons_resource``
    (migration 0004), never written by Django. It holds the columns the search filters and ranks
    by, and the item's stems as ids of ``commons_search_key`` (``key_ids``, ``title_key_ids``:
    integer arrays, ``key_ids`` under a GIN index). About 300 bytes a row instead of the item's
    1.4 kB, so ranking every match of a common word reads a few MB, not the whole table.
    SQLite searches the FTS5 index of migration 0003 instead and has no such table."""

    resource = models.OneToOneField(
        Resource, primary_key=True, db_column="id", on_delete=models.DO_NOTHING, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    published_at = models.DateTimeField(null=True)
    language = models.CharField(max_length=5, choices=Language.choices)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    country = models.CharField(max_length=2, choices=Country.choices)
    theme = models.ForeignKey(
        "portfolios.FocusTheme", on_delete=models.DO_NOTHING, null=True, db_constraint=False, related_name="+"
    )
    public_summary = models.ForeignKey(
        "portfolios.PublicSummary", on_delete=models.DO_NOTHING, null=True, db_constraint=False, related_name="+"
    )

    class Meta:
        managed = False
        db_table = "commons_resource_search"

    def __str__(self) -> str:
        return f"search row {self.pk}"
