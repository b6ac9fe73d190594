"""The lms app's public face: cms imports from here."""

from .selectors.practice import signed_mentor_hours

__all__ = ["signed_mentor_hours"]
