from .access import Role, ScopeGrant
from .certification import (
    Certificate,
    CertificateStatus,
    CertificationPolicy,
    CertificationSnapshot,
    CertificationTarget,
    CertLevel,
    ExamAttempt,
    ExamSubject,
    RegistrationPeriod,
)
from .education import CEHourEntry, CESource
from .ladder import (
    PASSING_RESULTS,
    AnnualAssessment,
    AssessmentResult,
    Grade,
    GradeChange,
    GradeChangeReason,
    Post,
    PromotionPolicy,
    PromotionReview,
)
from .notifications import Notification
from .org import OrgUnit, UnitKind
from .people import EducationLevel, Person, PersonKind

__all__ = [
    "PASSING_RESULTS",
    "AnnualAssessment",
    "AssessmentResult",
    "CEHourEntry",
    "CESource",
    "CertLevel",
    "Certificate",
    "CertificateStatus",
    "CertificationPolicy",
    "CertificationSnapshot",
    "CertificationTarget",
    "EducationLevel",
    "ExamAttempt",
    "ExamSubject",
    "Grade",
    "GradeChange",
    "GradeChangeReason",
    "Notification",
    "OrgUnit",
    "Person",
    "PersonKind",
    "Post",
    "PromotionPolicy",
    "PromotionReview",
    "RegistrationPeriod",
    "Role",
    "ScopeGrant",
    "UnitKind",
]
