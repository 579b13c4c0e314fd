from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "tuyengiao.activities"
    label = "activities"
    verbose_name = _("Activities")

    def ready(self) -> None:
        # The figures counted from these records (trainings, events, cultural standards).
        from tuyengiao.activities import figures

        figures.register_all()
