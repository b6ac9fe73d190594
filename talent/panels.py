"""Dashboard panel: certification rate against target for the user's scope."""

from django.utils import timezone
from wagtail.admin.ui.components import Component

from talent.selectors.access import scope_for
from talent.selectors.certification import certification_report, report_unit, visible_targets


class CertificationPanel(Component):
    name = "certification_rate"
    template_name = "talent/panels/certification.html"
    order = 110

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        scope = scope_for(self.request.user)
        today = timezone.localdate()
        reports = []
        for target in visible_targets(scope)[:3]:
            unit = report_unit(scope, target, None)
            report = certification_report(target=target, unit=unit, as_of=today, months=1)
            reports.append(report)
        return {"reports": reports}
