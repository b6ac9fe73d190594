"""The demo district: org tree, people and logins, certificates and grades, practice bases,
and a promotion round in its 公示 period.

``build()`` is idempotent: it tops up what is missing and leaves the rest alone.
"""

from talent.demo import certification, people, placements, promotion
from talent.demo.people import DEMO_LOGINS, DEMO_PASSWORD
from talent.services.people import sync_account_names

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "build"]


def build() -> None:
    people.build()
    certification.build()
    placements.build()
    promotion.build()
    # the trainees' and mentors' logins made above carry their person's name
    sync_account_names()
