"""The talent app's public face: lms and cms import from here, not from internals."""

from . import imports
from .audit import record as record_audit
from .audit import snapshot
from .models import (
    CEHourEntry,
    CESource,
    Notification,
    OrgUnit,
    Person,
    PersonKind,
    Role,
    ScopeGrant,
    UnitKind,
)
from .roles import ADMIN_ROLES
from .selectors import (
    Scope,
    notifications_for,
    person_for_user,
    scope_for,
    unread_notification_count,
    user_roles,
)
from .services import (
    create_org_unit,
    credit_ce_hours,
    delete_person,
    grant_role,
    mark_read,
    notify,
    revoke_role,
    save_person,
    update_grant,
    update_org_unit,
)

__all__ = [
    "imports",
    "CEHourEntry",
    "CESource",
    "credit_ce_hours",
    "ADMIN_ROLES",
    "Notification",
    "OrgUnit",
    "Person",
    "PersonKind",
    "Role",
    "Scope",
    "ScopeGrant",
    "UnitKind",
    "create_org_unit",
    "delete_person",
    "grant_role",
    "mark_read",
    "notifications_for",
    "notify",
    "person_for_user",
    "record_audit",
    "revoke_role",
    "save_person",
    "scope_for",
    "snapshot",
    "unread_notification_count",
    "update_grant",
    "update_org_unit",
    "user_roles",
]
