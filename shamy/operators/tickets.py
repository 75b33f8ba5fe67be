"""A summit ticket as a PDF (one A5 page: the event, the holder, the QR code of the ticket's code),
rendered in the holder's language with a font that has every Kazakh letter."""

from __future__ import annotations

import segno
from django.template.loader import render_to_string
from django.utils import translation

from shamy.operators.models import Registration


def ticket_qr_svg(registration: Registration) -> str:
    return str(segno.make(registration.code, error="m").svg_inline(scale=6))


def ticket_pdf(registration: Registration) -> bytes:
    # Imported here, as portfolios/poster.py does: WeasyPrint takes seconds to import, and only
    # tickets, posters and briefs need it.
    from weasyprint import HTML

    with translation.override(registration.language):
        html = render_to_string(
            "operators/ticket_pdf.html", {"registration": registration, "qr": ticket_qr_svg(registration)}
        )
    return bytes(HTML(string=html).write_pdf())
