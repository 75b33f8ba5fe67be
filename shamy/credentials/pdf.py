"""The A4 PDF certificate (WeasyPrint), in Kazakh, Russian or English, with a QR code to the
public verification page. Set in DejaVu Sans, which covers every Kazakh letter (Ә Ғ Қ Ң Ө Ұ Ү Һ І);
the font is embedded in the PDF."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from shamy.core.translated import localized
from shamy.credentials.models import Certificate
from shamy.portfolios.poster import qr_svg_data_uri

PDF_LANGUAGES = ("kk", "ru", "en")


def certificate_html(certificate: Certificate, *, language: str = "kk") -> str:
    if language not in PDF_LANGUAGES:
        raise ValueError(f"Unknown certificate language {language!r}")
    issuer = certificate.issuer
    with translation.override(language):
        return render_to_string(
            "credentials/certificate_pdf.html",
            {
                "certificate": certificate,
                "programme": localized(certificate.programme_name, language),
                "issuer_name": localized(issuer.name, language),
                "signatory_title": localized(issuer.signatory_title, language),
                "qr": qr_svg_data_uri(certificate.verify_url),
                "language": language,
            },
        )


def certificate_pdf(certificate: Certificate, *, language: str = "kk") -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=certificate_html(certificate, language=language)).write_pdf())
