from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "capacita.attendance"
    label = "attendance"
    verbose_name = _("Attendance")

    def ready(self):
        # Models can be imported only once the app registry is ready.
        from capacita.agenda.models import VirtualSession
        from capacita.programmes.models import Programme

        from . import background, signals

        # A changed threshold or schedule changes the verdicts: see signals.py.
        pre_save.connect(signals.remember_programme, sender=Programme, dispatch_uid="attendance")
        post_save.connect(signals.programme_saved, sender=Programme, dispatch_uid="attendance")
        pre_save.connect(signals.remember_session, sender=VirtualSession, dispatch_uid="attendance")
        post_save.connect(signals.session_saved, sender=VirtualSession, dispatch_uid="attendance")
        # Its long work (attendance read from Zoom) registers with the jobs.
        background.register_kinds()
