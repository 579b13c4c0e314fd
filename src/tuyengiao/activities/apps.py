from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "tuyengiao.activities"
    label = "activities"
    verbose_name = _("Activities")

    def ready(self) -> None:
        # The figures counted from these records (trainings, events, cultural standards).
        from tuyengiao.activities import figures, scope
        from tuyengiao.orgs.signals import closure_rebuilt

        figures.register_all()
        # Who sees an activity follows the tree (see activities.scope).
        closure_rebuilt.connect(scope.on_closure_rebuilt, dispatch_uid="activities.scope")
