from .access import Role, ScopeGrant
from .education import CEHourEntry, CESource
from .notifications import Notification
from .org import OrgUnit, UnitKind
from .people import Person, PersonKind

__all__ = [
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
