"""Measure (and with --save, fit) the readiness estimate against past sittings.

Pairs mock evidence from before each past sitting with its national results,
fits the model's shift and spread on half of the people and reports how the
estimate does on the other half, held back (ADR 0015)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lms.models import ReadinessPolicy
from lms.selectors.calibration import evaluate, fit, held_back, level_subjects, pairs_from_sitting
from lms.selectors.readiness import Params
from lms.services.readiness import refresh_all_readiness
from talent import api as talent


class Command(BaseCommand):
    help = "Measure the readiness estimate on held-back past results; --save stores the fit."

    def add_arguments(self, parser):
        parser.add_argument("--save", action="store_true", help="store the fitted numbers")
        parser.add_argument("--held-back", type=float, default=0.5, help="share held back")

    def handle(self, *args, **options):
        held_back_share = options["held_back"]
        today = timezone.localdate()
        pairs = []
        for sitting in talent.ExamSitting.objects.filter(results_on__lte=today):
            pairs += pairs_from_sitting(sitting)
        if not pairs:
            raise CommandError("没有可用于校准的往年考试成绩。")
        train = [p for p in pairs if not held_back(p.person_id, held_back_share)]
        test = [p for p in pairs if held_back(p.person_id, held_back_share)]
        current = Params.load()
        try:
            fitted = fit(train, current)
        except ValueError as error:
            raise CommandError(str(error)) from error
        subjects = level_subjects()
        lines = [
            f"past results: {len(pairs)} (fit on {len(train)}, held back {len(test)})",
            f"fitted shift {fitted.shift:+.4f}, spread {fitted.spread:.4f}"
            f" (current {current.shift:+.4f}, {current.spread:.4f})",
        ]
        for label, params in (("current", current), ("fitted", fitted)):
            lines.append(f"-- held back, {label} parameters")
            lines += ["   " + line for line in evaluate(test, params, subjects).lines()]
        self.stdout.write("\n".join(lines))
        if options["save"]:
            policy = ReadinessPolicy.load()
            policy.score_shift = round(fitted.shift, 3)
            policy.exam_spread = round(max(fitted.spread, 0.01), 3)
            policy.calibrated_on = today
            policy.calibration_note = "\n".join(lines)
            policy.save()
            count = refresh_all_readiness()
            self.stdout.write(f"saved; {count} readiness rows refreshed")
