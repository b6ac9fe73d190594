# Each sub-domain has its own module; import its models here.
from .cases import CaseCriterion, CaseCriterionScore, CaseSubmission, CaseTask, SubmissionStatus
from .courses import (
    CourseFormat,
    CourseIndexPage,
    CoursePage,
    Enrollment,
    EnrollmentSource,
    LessonCompletion,
    LessonPage,
)
from .exams import (
    AttemptAnswer,
    ExamAttempt,
    ExamBlueprint,
    ExamLevel,
    ExamSubject,
    Question,
    QuestionKind,
)
from .programme import (
    Cohort,
    CohortKind,
    CohortMembership,
    Programme,
    Stage,
    StageKind,
    Tier,
)

__all__ = [
    "AttemptAnswer",
    "CaseSubmission",
    "CaseTask",
    "Cohort",
    "CohortKind",
    "CohortMembership",
    "CourseFormat",
    "CourseIndexPage",
    "CoursePage",
    "Enrollment",
    "EnrollmentSource",
    "ExamAttempt",
    "ExamBlueprint",
    "ExamLevel",
    "ExamSubject",
    "LessonCompletion",
    "LessonPage",
    "Programme",
    "Question",
    "QuestionKind",
    "CaseCriterion",
    "CaseCriterionScore",
    "Stage",
    "StageKind",
    "SubmissionStatus",
    "Tier",
]
