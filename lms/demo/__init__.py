"""The demo programme: mentorships and signed hours, salons, placement shifts, courses,
question bank, cohorts and learner progress. Needs ``talent.demo.build()`` and the site's
home page first. ``build()`` is idempotent."""

from lms.demo import placements, practice, programme

__all__ = ["build"]


def build() -> None:
    practice.build()
    placements.build()
    programme.build()
