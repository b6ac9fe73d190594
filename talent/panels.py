"""Dashboard panels: the shared base, and the certification rate against target for the
user's scope."""

from django.utils import timezone
from wagtail.admin.ui.components import Component

from talent.selectors.access import scope_for
from talent.selectors.certification import certification_report, report_unit, visible_targets
from talent.selectors.registration import lapsed_registrations


class DashboardPanel(Component):
    """A dashboard panel: built from the request, shown only to whom it concerns.

    ``construct_homepage_panels`` hooks append ``Panel(request)`` and keep it when
    ``is_shown()``; every app's panels take this shape."""

    def __init__(self, request):
        self.request = request

    def is_shown(self) -> bool:
        return True

    @classmethod
    def add_to(cls, request, panels: list) -> None:
        panel = cls(request)
        if panel.is_shown():
            panels.append(panel)


class CertificationPanel(DashboardPanel):
    name = "certification_rate"
    template_name = "talent/panels/certification.html"
    order = 110

    def is_shown(self) -> bool:
        return self.request.user.has_perm("talent.view_certificationtarget")

    def get_context_data(self, parent_context=None):
        scope = scope_for(self.request.user)
        today = timezone.localdate()
        reports = []
        for target in visible_targets(scope)[:3]:
            unit = report_unit(scope, target, None)
            report = certification_report(target=target, unit=unit, as_of=today, months=1)
            reports.append(report)
        return {"reports": reports}


class LapsedRegistrationsPanel(DashboardPanel):
    """Certificates in the user's scope whose registration lapsed."""

    name = "lapsed_registrations"
    template_name = "talent/panels/lapsed_registrations.html"
    order = 115

    def is_shown(self) -> bool:
        return self.request.user.has_perm("talent.view_registrationperiod")

    def get_context_data(self, parent_context=None):
        rows, count = lapsed_registrations(
            scope_for(self.request.user), timezone.localdate(), limit=6
        )
        return {"rows": rows, "count": count}
