# Each sub-domain has its own module; import its models here.
from .checkin import CheckIn, CheckInSession, SessionKind, SessionStatus
from .practice import (
    LogStatus,
    Mentorship,
    PracticeEvidence,
    PracticeLog,
    SignedLogError,
    SignMethod,
)
from .salons import (
    RoadshowScore,
    RoadshowSlot,
    RubricCriterion,
    Salon,
    SalonCalendarPage,
    SalonStatus,
    SalonTheme,
)

__all__ = [
    "CheckIn",
    "CheckInSession",
    "LogStatus",
    "Mentorship",
    "PracticeEvidence",
    "PracticeLog",
    "RoadshowScore",
    "RoadshowSlot",
    "RubricCriterion",
    "Salon",
    "SalonCalendarPage",
    "SalonStatus",
    "SalonTheme",
    "SessionKind",
    "SessionStatus",
    "SignMethod",
    "SignedLogError",
]
