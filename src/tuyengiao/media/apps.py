from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "tuyengiao.media"
    label = "media"
    verbose_name = _("Media and online information")

    def ready(self) -> None:
        # The news published, counted for the indicators engine.
        from tuyengiao.media import figures

        figures.register_all()
