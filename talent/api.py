"""The talent app's public face. lms and cms import talent only from here (and the demo
loader from ``talent.demo``); the import contract in pyproject.toml fails CI on a bypass.

``__all__`` is grouped: models and value types, reads, writes, imports, and the admin
building blocks other apps extend.
"""

from talent.audit import record as record_audit
from talent.audit import snapshot
from talent.checks import require_not_self
from talent.forms import EvaluationForm
from talent.imports import base as imports
from talent.imports.jobs import start_export
from talent.imports.people import apply_students, student_spec
from talent.models import (
    CEHourEntry,
    Certificate,
    CertificationPolicy,
    CertificationTarget,
    CertLevel,
    CESource,
    EvaluationParty,
    ExamAttempt,
    ExamEntry,
    ExamSitting,
    ExamSubject,
    Notification,
    OrgUnit,
    Person,
    PersonKind,
    Placement,
    PlacementKind,
    PlacementStatus,
    RegistrationPeriod,
    Role,
    RoundStatus,
    ScopeGrant,
    UnitKind,
    term_of,
)
from talent.models.access import ROLE_GROUP_NAMES
from talent.models.people import Gender
from talent.models.placements import term_label
from talent.panels import DashboardPanel
from talent.roles import ADMIN_ROLES, ORGANISER_ROLES
from talent.selectors.access import Scope, role_grants, scope_for, user_roles
from talent.selectors.career import career_for
from talent.selectors.certification import (
    carried_passes,
    certification_report,
    exam_pass_mark,
    exam_rule,
    held_certificates,
    highest_held_level,
    needed_for,
    people_to_certify,
    percent,
    report_unit,
    target_population,
    visible_targets,
)
from talent.selectors.duties import (
    Decision,
    may_decide_about,
    mentor_candidates,
    mentorship_refusal,
    others_only,
    self_decision_refusal,
)
from talent.selectors.ladder import current_grade, evaluate_people
from talent.selectors.notifications import notifications_for, unread_notification_count
from talent.selectors.people import (
    USER_PERSON,
    display_name,
    people_by_staff_no,
    person_for_user,
    staff_no_not_found,
    staff_nos_not_found,
)
from talent.selectors.placements import (
    bases_for_partner,
    behind_pace,
    can_evaluate,
    can_withdraw,
    capacity_usage,
    coordinator_scope,
    current_term,
    evaluation_summary,
    has_placements,
    is_behind,
    own_placements,
    pace,
    partner_scope,
    placements_for_coordinator,
    placements_for_partner,
    placements_on_shift,
    supervised_placements,
    terms_in_use,
    with_evaluations,
)
from talent.selectors.promotion import (
    current_notice_count,
    listed_candidates,
    notice_for,
    notice_open,
    notices_for,
    objection_refusal,
    own_objections,
)
from talent.selectors.sittings import entered_ids, next_sitting, registration_open
from talent.selectors.team import headed_unit
from talent.selectors.team import team as team_of
from talent.services.access import grant_role, revoke_role, update_grant
from talent.services.education import credit_ce_hours
from talent.services.notifications import mark_read, notify
from talent.services.org import create_org_unit, update_org_unit
from talent.services.people import (
    delete_person,
    save_person,
    save_student,
    sync_account_names,
)
from talent.services.placements import (
    propose_placement,
    submit_evaluation,
    withdraw_placement,
)
from talent.services.promotion import raise_objection
from talent.services.sittings import enter_for_sitting
from talent.spreadsheets import xlsx_response
from talent.viewsets.choosers import label_of, use_chooser
from talent.viewsets.display import ReadableIndexMixin, UserColumn, YesNoColumn, name_user_choices
from talent.viewsets.feedback import error_text, error_texts, flash_error
from talent.viewsets.forms import ServiceErrorsMixin
from talent.viewsets.history import ChangeFormatter, register_actions
from talent.viewsets.imports import SpreadsheetImportView, own_job
from talent.viewsets.jobs import job_download, job_progress
from talent.viewsets.jobs import progress as job_progress_data
from talent.viewsets.record import PersonSection
from talent.viewsets.reports import ComputedReportView
from talent.viewsets.scope import ScopedModelViewSet, register_district_setting

__all__ = [
    # models and value types
    "ADMIN_ROLES",
    "CEHourEntry",
    "CESource",
    "CertLevel",
    "Decision",
    "Certificate",
    "CertificationPolicy",
    "CertificationTarget",
    "ExamAttempt",
    "ExamEntry",
    "ExamSitting",
    "EvaluationParty",
    "ExamSubject",
    "Gender",
    "Notification",
    "ORGANISER_ROLES",
    "OrgUnit",
    "Person",
    "PersonKind",
    "Placement",
    "PlacementKind",
    "PlacementStatus",
    "ROLE_GROUP_NAMES",
    "RegistrationPeriod",
    "Role",
    "RoundStatus",
    "Scope",
    "ScopeGrant",
    "UnitKind",
    "record_audit",
    "snapshot",
    "term_label",
    "term_of",
    "USER_PERSON",
    # reads
    "bases_for_partner",
    "behind_pace",
    "can_evaluate",
    "can_withdraw",
    "capacity_usage",
    "career_for",
    "carried_passes",
    "certification_report",
    "entered_ids",
    "exam_rule",
    "highest_held_level",
    "needed_for",
    "next_sitting",
    "people_to_certify",
    "percent",
    "registration_open",
    "report_unit",
    "target_population",
    "visible_targets",
    "coordinator_scope",
    "current_grade",
    "current_notice_count",
    "current_term",
    "display_name",
    "evaluate_people",
    "evaluation_summary",
    "exam_pass_mark",
    "has_placements",
    "headed_unit",
    "held_certificates",
    "is_behind",
    "listed_candidates",
    "may_decide_about",
    "mentor_candidates",
    "mentorship_refusal",
    "notice_for",
    "notice_open",
    "notices_for",
    "notifications_for",
    "objection_refusal",
    "own_objections",
    "others_only",
    "own_placements",
    "pace",
    "partner_scope",
    "role_grants",
    "people_by_staff_no",
    "person_for_user",
    "staff_no_not_found",
    "staff_nos_not_found",
    "placements_for_coordinator",
    "placements_for_partner",
    "placements_on_shift",
    "scope_for",
    "self_decision_refusal",
    "supervised_placements",
    "team_of",
    "terms_in_use",
    "unread_notification_count",
    "user_roles",
    "with_evaluations",
    # writes
    "create_org_unit",
    "credit_ce_hours",
    "delete_person",
    "enter_for_sitting",
    "grant_role",
    "mark_read",
    "notify",
    "propose_placement",
    "raise_objection",
    "require_not_self",
    "revoke_role",
    "save_person",
    "save_student",
    "start_export",
    "submit_evaluation",
    "sync_account_names",
    "update_grant",
    "update_org_unit",
    "withdraw_placement",
    # imports
    "apply_students",
    "imports",
    "student_spec",
    # admin building blocks
    "ChangeFormatter",
    "ComputedReportView",
    "DashboardPanel",
    "EvaluationForm",
    "PersonSection",
    "ReadableIndexMixin",
    "ScopedModelViewSet",
    "ServiceErrorsMixin",
    "register_district_setting",
    "UserColumn",
    "YesNoColumn",
    "name_user_choices",
    "error_text",
    "error_texts",
    "flash_error",
    "label_of",
    "use_chooser",
    "SpreadsheetImportView",
    "job_download",
    "job_progress",
    "job_progress_data",
    "own_job",
    "register_actions",
    "xlsx_response",
]
