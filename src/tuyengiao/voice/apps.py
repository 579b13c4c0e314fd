from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "tuyengiao.voice"
    label = "voice"
    verbose_name = _("Workers' voice")

    def ready(self) -> None:
        # The mood counted from situation notes, and the note's fields on the report page.
        from tuyengiao.reporting import report_extras
        from tuyengiao.voice import figures
        from tuyengiao.voice.models import SITUATION_FORM
        from tuyengiao.voice.situation import SituationExtra

        figures.register_all()
        report_extras.register(SITUATION_FORM, SituationExtra())
