"""Trainer certificates (issue 16): a trainer certified after a training-of-trainers course gets a
signed certificate on the same chain as a teacher's (series number, status list, OBv3 credential
signed with eddsa-rdfc-2022, PDF, public verification page)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.attendance.models import AttendanceStatus
from shamy.audit.models import AuditEntry
from shamy.credentials import verification
from shamy.credentials.models import Certificate, CertificateKind
from shamy.credentials.pdf import certificate_pdf
from shamy.credentials.services.certificates import certificate_revoke, trainer_certificate_issue
from shamy.credentials.tests.conftest import make_issuer
from shamy.credentials.tests.test_certificates import http_key_resolver, pdf_text
from shamy.credentials.vc import dataintegrity
from shamy.operators.services.trainers import trainer_certify
from shamy.operators.services.training import session_register
from shamy.operators.tests.scene import build_operator_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(programme_cast):
    return build_operator_scene(programme_cast)


def test_a_trainer_certified_by_an_earlier_trainer_gets_a_signed_certificate(programme_cast, scene, client):
    c, s = programme_cast, scene
    issuer = make_issuer(c.programme, slug="binom", prefix="BINOM")
    with pytest.raises(PermissionDenied):
        trainer_certificate_issue(actor=c.talgat, trainer=s.trainer_timur)
    certificate = trainer_certificate_issue(actor=c.aliya, trainer=s.trainer_timur)
    assert certificate.kind == CertificateKind.TRAINER and certificate.submission is None
    assert certificate.teacher == c.person_timur and certificate.number.startswith("BINOM-")
    assert certificate.project_title == "Бағалау"  # the course's topic
    assert trainer_certificate_issue(actor=c.aliya, trainer=s.trainer_timur) == certificate  # idempotent
    credential = certificate.credential
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential["issuer"]["id"] == issuer.iri
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["id"].endswith(f"/credentials/achievements/{c.programme.pk}/trainer")
    assert "training-of-trainers" in achievement["criteria"]["narrative"]
    assert dataintegrity.undefined_terms(credential) == (set(), set())
    assert dataintegrity.verify(credential, http_key_resolver(client)).ok
    assert AuditEntry.objects.filter(action="credentials.certificate.issued", target_id=str(certificate.pk)).exists()

    page = client.get(reverse("credentials:verify", args=[certificate.number]))
    assert page.status_code == 200 and 'data-status="valid"' in page.content.decode()
    text = pdf_text(certificate_pdf(certificate, language="en"))
    assert certificate.number in text and "/verify/" in text and "trainer" in text

    certificate_revoke(actor=None, certificate=certificate, reason="Сертификат қате берілді")
    assert verification.verify_certificate(Certificate.objects.get(pk=certificate.pk)).status == "revoked"


def test_certifying_a_trainer_grants_the_role_and_issues_the_certificate_when_there_is_an_issuer(programme_cast, scene):
    c, s = programme_cast, scene
    # Certified in the scene before the programme had an issuer: the role, no certificate.
    assert Membership.objects.filter(user=c.timur, role=Role.TRAINER, programme=c.programme).exists()
    assert not Certificate.objects.exists()
    make_issuer(c.programme, slug="binom", prefix="BINOM")
    course = s.course
    attendance = session_register(actor=None, session=course, person=c.person_talgat, school=c.school_a1)
    attendance.status = AttendanceStatus.PRESENT
    attendance.save()
    trainer = trainer_certify(
        actor=c.aliya,
        programme=c.programme,
        person=c.person_talgat,
        certified_on=datetime.date(2028, 1, 16),
        certified_by=s.partner_trainer,
        course=course,
    )
    certificate = Certificate.objects.get(trainer=trainer)
    assert certificate.kind == CertificateKind.TRAINER and certificate.holder_name == c.person_talgat.full_name
    assert Membership.objects.filter(user=c.talgat, role=Role.TRAINER, programme=c.programme).exists()
    # The certificate lists of the holder and the coordinator show it.
    assert certificate in Certificate.objects.restrict(c.talgat, "view")
    assert certificate in Certificate.objects.restrict(c.aliya, "view")


def test_without_an_issuer_the_certificate_is_refused_but_certification_stands(programme_cast, scene):
    c, s = programme_cast, scene
    with pytest.raises(ValidationError):
        trainer_certificate_issue(actor=c.aliya, trainer=s.partner_trainer)
    assert s.partner_trainer.pk is not None and not Certificate.objects.exists()


def test_the_demo_command_certifies_every_trainer_of_the_operator_demo_once(programme_cast, scene, capsys):
    from django.core.management import CommandError, call_command

    from shamy.operators.demo import PROGRAMME_NAME_EN
    from shamy.programmes.models import Programme

    with pytest.raises(CommandError, match="seed_demo_operators"):
        call_command("seed_demo_trainer_certificates")
    Programme.objects.filter(pk=programme_cast.programme.pk).update(is_demo=True, name_en=PROGRAMME_NAME_EN)
    call_command("seed_demo_trainer_certificates")
    assert "issued: 2" in capsys.readouterr().out
    assert set(Certificate.objects.values_list("trainer_id", flat=True)) == {
        scene.partner_trainer.pk,
        scene.trainer_timur.pk,
    }
    call_command("seed_demo_trainer_certificates")
    assert "nothing changed" in capsys.readouterr().out
    assert Certificate.objects.count() == 2
