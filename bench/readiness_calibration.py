"""Is readiness calibrated? (issue 18, ADR 0015)

Simulates past candidates with ``lms.demo.readiness`` (skill that grows, harder
national papers, good and bad days — nothing the estimator assumes), fits the
readiness model's shift and spread on 70% of the people and judges it on the
30% held back. Goal: people called "ready" (chance of passing 助理 >= the ready
threshold) pass at least as often as claimed.
"""

import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("ACADEMY_VAR_DIR", tempfile.mkdtemp(prefix="academy-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
sys.path.insert(0, str(ROOT))
import django  # noqa: E402

django.setup()

from lms.demo.readiness import draw_candidate, simulate_subject  # noqa: E402
from lms.models import ReadinessPolicy  # noqa: E402
from lms.selectors.calibration import Pair, evaluate, fit, held_back  # noqa: E402
from lms.selectors.readiness import Params  # noqa: E402

PEOPLE = int(os.environ.get("CALIBRATION_PEOPLE", "20000"))
SUBJECTS = ["comprehensive", "practice"]
EXAM = datetime.datetime(2026, 6, 13, 9, tzinfo=datetime.UTC)


def simulate(seed: int) -> list[Pair]:
    rng = random.Random(seed)
    pairs = []
    for person in range(PEOPLE):
        base = draw_candidate(rng)
        for subject in SUBJECTS:
            # The two subjects share the person's general skill and their day.
            offset = rng.gauss(0, 0.05)
            candidate = base.__class__(base.skill + offset, base.growth, base.exam_day)
            evidence, actual = simulate_subject(
                rng, candidate, exam_day=EXAM, papers=rng.randint(1, 5)
            )
            pairs.append(Pair(person, subject, tuple(evidence), actual))
    return pairs


start = time.perf_counter()
pairs = simulate(18)
train = [p for p in pairs if not held_back(p.person_id, 0.3)]
test = [p for p in pairs if held_back(p.person_id, 0.3)]
defaults = Params.from_policy(ReadinessPolicy(), 60)  # the shipped defaults, pass mark 60
fitted = fit(train, defaults)
print(f"simulated {PEOPLE} people x {len(SUBJECTS)} subjects in {time.perf_counter() - start:.1f}s")
print(
    f"fitted on {len(train)} subject results: shift {fitted.shift:+.4f}, spread {fitted.spread:.4f}"
)
ok = True
for label, params in (("defaults", defaults), ("fitted", fitted)):
    result = evaluate(test, params, SUBJECTS)
    print(f"-- held back ({len(test)} subject results), {label} parameters")
    for line in result.lines():
        print("   " + line)
    if label == "fitted":
        ok = result.holds and result.ready_passed >= result.ready_claimed - 0.02
        print(
            f"ready passes vs claimed (threshold {params.ready:.2f}): "
            f"{result.ready_passed:.3f} >= {params.ready:.2f} {'OK' if result.holds else 'MISSED'}"
        )
sys.exit(0 if ok else 1)
