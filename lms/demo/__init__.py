"""The demo programme: mentorships and signed hours, salons, placement shifts, courses,
question bank, cohorts and learner progress. Needs ``talent.demo.build()`` and the site's
home page first. ``build()`` is idempotent."""

from lms.demo import placements, practice, programme
from talent import api as talent

__all__ = ["build"]


def build() -> None:
    practice.build()
    placements.build()
    programme.build()
    talent.sync_account_names()  # the mentors' logins made above carry their names
