from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "shamy.credentials"
    label = "credentials"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from shamy.analytics.cache import analytics_invalidate
        from shamy.credentials import analytics
        from shamy.credentials.models import Certificate
        from shamy.credentials.selectors import certified_teachers
        from shamy.results.figures import register_certified_counter

        analytics.register()
        register_certified_counter(certified_teachers)

        def invalidate(**kwargs: object) -> None:
            analytics_invalidate()

        # The analytics' cached panels count certified teachers (issued, revoked).
        post_save.connect(invalidate, sender=Certificate, dispatch_uid="credentials-certificate-save", weak=False)
        post_delete.connect(invalidate, sender=Certificate, dispatch_uid="credentials-certificate-delete", weak=False)

        from shamy.operators.signals import trainer_certified

        def issue_trainer_certificate(*, trainer: object, actor: object, **kwargs: object) -> None:
            """A trainer certified in a programme with a certifying issuer gets the signed
            certificate at once (same transaction: no trainer without it, no orphan certificate)."""
            from shamy.credentials.services.certificates import trainer_certificate_issue, trainer_issuer

            if trainer_issuer(trainer.programme_id) is not None:  # type: ignore[attr-defined]
                trainer_certificate_issue(actor=None, trainer=trainer)  # type: ignore[arg-type]

        trainer_certified.connect(issue_trainer_certificate, dispatch_uid="credentials-trainer-certified", weak=False)
