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
