from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FellowshipConfig(AppConfig):
    name = "shamy.fellowship"
    label = "fellowship"
    verbose_name = _("Fellowship")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from shamy.analytics.cache import analytics_invalidate
        from shamy.fellowship import analytics
        from shamy.fellowship.models import Placement, TaughtClass

        analytics.register()

        def invalidate(**kwargs: object) -> None:
            analytics_invalidate()

        # The analytics' cached panels count fellows and the children in their classes.
        for model in (Placement, TaughtClass):
            post_save.connect(invalidate, sender=model, dispatch_uid=f"fellowship-{model.__name__}-save", weak=False)
            post_delete.connect(
                invalidate, sender=model, dispatch_uid=f"fellowship-{model.__name__}-delete", weak=False
            )
        m2m_changed.connect(invalidate, sender=TaughtClass.pupils.through, dispatch_uid="fellowship-pupils", weak=False)
