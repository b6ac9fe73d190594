"""The lms app's public face: cms imports from here."""

from .selectors.placements import (
    signed_hours_by_placement,
    signed_logs_for_placement,
    signed_logs_for_placements,
)
from .selectors.practice import signed_mentor_hours
from .selectors.progress import current_stages
from .selectors.readiness import person_readiness, study_plan

__all__ = [
    "current_stages",
    "signed_hours_by_placement",
    "signed_logs_for_placement",
    "signed_logs_for_placements",
    "signed_mentor_hours",
    "person_readiness",
    "study_plan",
]
