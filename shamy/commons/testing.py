"""Commons items on top of the programme cast, for tests and journeys.

- ``published``: a published Kazakh guide (CC BY) by aliya in programme P;
- ``pending``: talgat's Russian session plan waiting for moderation, in programme P;
- ``project_item``: talgat's published project summary ("Мектептегі оқу сауаттылығы", Russian
  text about schools) brought into the commons; ``project`` is the project.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from shamy.commons.models import Kind, Resource
from shamy.commons.services.resources import resource_moderate, resource_submit, summaries_sync
from shamy.portfolios.models import FocusTheme
from shamy.portfolios.services.projects import project_create
from shamy.portfolios.services.sharing import summary_publish
from shamy.programmes.testing import PDF_BYTES, ProgrammeCast


@dataclass
class CommonsScene:
    published: Resource
    pending: Resource
    project_item: Resource
    project: Any


def build_commons_scene(c: ProgrammeCast) -> CommonsScene:
    theme = FocusTheme.objects.get(code="functional-literacy")
    published = resource_submit(
        actor=c.aliya,
        fields={
            "kind": Kind.GUIDE,
            "title": "Қазақ тілі сабағындағы функционалдық сауаттылық",
            "summary": "Мұғалімдерге арналған нұсқаулық: қазақ тілі сабақтарында оқу сауаттылығын дамыту.",
            "language": "kk",
            "country": "KZ",
            "theme": theme,
            "programme": c.programme,
        },
        upload=SimpleUploadedFile("nusqaulyq.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    published = resource_moderate(actor=c.aigerim, resource=published, publish=True)
    pending = resource_submit(
        actor=c.talgat,
        fields={
            "kind": Kind.SESSION_PLAN,
            "title": "План занятия: исследование урока",
            "summary": "Черновик плана занятия для школьных фасилитаторов.",
            "language": "ru",
            "country": "KZ",
            "programme": c.programme,
        },
    )
    project = project_create(
        actor=c.talgat, cohort=c.cohort_a, title="Мектептегі оқу сауаттылығы", theme=theme, concern="Оқушылар"
    )
    summary_publish(
        actor=c.talgat,
        project=project,
        summary="Проект о том, как школа развивает читательскую грамотность учеников сельской школы.",
        actions="Уроки чтения и постеры.",
        impact="Ученики читают больше.",
        language="ru",
        show_name=True,
        show_school=False,
    )
    summaries_sync()
    project_item = Resource.objects.get(public_summary__project=project)
    return CommonsScene(published=published, pending=pending, project_item=project_item, project=project)
