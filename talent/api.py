"""The talent app's public face: lms and cms import from here, not from internals."""

from talent.imports import base as imports
from talent.selectors.access import (
    Scope,
    notifications_for,
    person_for_user,
    scope_for,
    unread_notification_count,
    user_roles,
)
from talent.selectors.certification import held_certificates
from talent.selectors.ladder import current_grade, evaluate_people
from talent.selectors.placements import has_placements, partner_scope, placements_on_shift
from talent.services.people import (
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

from .audit import record as record_audit
from .audit import snapshot
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
