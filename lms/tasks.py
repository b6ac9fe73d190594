"""django-q2 tasks of the lms app."""

from talent import api as talent

from .services.salons import draft_next_salon
from .services.signup import remind_sign_ups


def draft_next_salons() -> list[int]:
    """Draft the next cycle's salon of every centre with studios (idempotent;
    the schedule runs it monthly so each cycle is drafted about two months ahead)."""
    drafted = []
    for centre in talent.OrgUnit.objects.filter(kind=talent.UnitKind.CENTRE, is_active=True):
        if talent.OrgUnit.objects.filter(
            path__startswith=centre.path, kind=talent.UnitKind.STUDIO
        ).exists():
            salon, created = draft_next_salon(centre=centre)
            if created:
                drafted.append(salon.pk)
    return drafted


def remind_tomorrows_sign_ups() -> int:
    """Remind everyone signed up for tomorrow's events (daily; once per person per event)."""
    return remind_sign_ups()
