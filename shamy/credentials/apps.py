from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "shamy.credentials"
    label = "credentials"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from shamy.analytics.cache import analytics_invalidate
        from shamy.credentials import analytics
        from shamy.credentials.models import Certificate

        analytics.register()

        def invalidate(**kwargs: object) -> None:
            analytics_invalidate()

        # The analytics' cached panels count certified teachers (issued, revoked).
        post_save.connect(invalidate, sender=Certificate, dispatch_uid="credentials-certificate-save", weak=False)
        post_delete.connect(invalidate, sender=Certificate, dispatch_uid="credentials-certificate-delete", weak=False)
