from .access import Role, ScopeGrant
from .education import CEHourEntry, CESource
from .notifications import Notification
from .org import OrgUnit, UnitKind
from .people import Person, PersonKind
from .placements import (
    RUBRIC,
    EvaluationParty,
    Placement,
    PlacementEvaluation,
    PlacementKind,
    PlacementStatus,
    PracticeBase,
    RotationPlan,
    RotationStage,
    University,
    term_of,
)

__all__ = [
    "term_of",
    "RUBRIC",
    "EvaluationParty",
    "Placement",
    "PlacementEvaluation",
    "PlacementKind",
    "PlacementStatus",
    "PracticeBase",
    "RotationPlan",
    "RotationStage",
    "University",
    "CEHourEntry",
    "CESource",
    "Notification",
    "OrgUnit",
    "Person",
    "PersonKind",
    "Role",
    "ScopeGrant",
    "UnitKind",
]
