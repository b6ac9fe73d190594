"""The talent app's public face: lms and cms import from here, not from internals."""

from . import imports
from .audit import record as record_audit
from .audit import snapshot
from .certification import held_certificates
from .ladder import current_grade, evaluate_people
from .models import (
    CEHourEntry,
    CertLevel,
    CESource,
    ExamSubject,
    Notification,
    OrgUnit,
    Person,
    PersonKind,
    Role,
    ScopeGrant,
    UnitKind,
)
from .roles import ADMIN_ROLES, ORGANISER_ROLES
from .selectors import (
    Scope,
    notifications_for,
    person_for_user,
    scope_for,
    unread_notification_count,
    user_roles,
)
from .selectors_placements import has_placements, partner_scope, placements_on_shift
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
from .spreadsheets import xlsx_response

__all__ = [
    "CertLevel",
    "ExamSubject",
    "current_grade",
    "evaluate_people",
    "held_certificates",
    "has_placements",
    "partner_scope",
    "placements_on_shift",
    "imports",
    "CEHourEntry",
    "CESource",
    "credit_ce_hours",
    "ADMIN_ROLES",
    "ORGANISER_ROLES",
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
    "xlsx_response",
]
