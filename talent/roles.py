"""Role groups and the permissions each carries.

The groups are created by a data migration; ``sync_role_groups`` also runs after
every ``migrate`` (and after a test flush) so a new permission added here reaches
existing databases without another hand-written migration.
"""

from .models.access import ROLE_GROUP_NAMES, Role

ADMIN = ("wagtailadmin", "admin", ["access_admin"])

# What HR records about certification and the ladder (HR and district admins).
HR_RECORDS = [
    ("talent", "certificate", ["add", "change", "view"]),
    ("talent", "examattempt", ["add", "change", "view"]),
    ("talent", "certificationtarget", ["add", "change", "view"]),
    ("talent", "cehourentry", ["add", "view"]),
    ("talent", "registrationperiod", ["add", "view"]),
    ("talent", "examsitting", ["add", "change", "view"]),
    ("talent", "examentry", ["add", "view", "delete"]),
    ("talent", "examrule", ["view"]),
    # The gap plan enrols people into a 考试专班 (lms, named by label only).
    ("lms", "cohortmembership", ["add", "view"]),
    ("talent", "annualassessment", ["add", "change", "view"]),
    ("talent", "gradechange", ["add", "view"]),
    ("talent", "promotionreview", ["add", "change", "view"]),
]

# Organisers and district admins coordinate practice bases and placements.
PLACEMENT_COORDINATION = [
    ("talent", "university", ["view"]),
    ("talent", "practicebase", ["add", "change", "view"]),
    ("talent", "placement", ["view", "change"]),
    ("talent", "rotationplan", ["add", "view"]),
]

# Organisers and district admins run classes 课堂 and salons, with sign-up 报名.
# lms models are named by label only: talent never imports lms.
EVENT_ORGANISING = [
    ("lms", "checkinsession", ["add", "change", "view"]),
    ("lms", "signup", ["view"]),
    ("lms", "salon", ["add", "change", "view"]),
    ("lms", "roadshowslot", ["add", "change", "view", "delete"]),
    ("lms", "salontheme", ["add", "change", "view"]),
    ("lms", "rubriccriterion", ["add", "change", "view"]),
]

# Shared catalogues: organisers use them anywhere; only a user whose scope is the
# whole district changes them (talent.selectors.access.holds_whole_district, checked
# by the admin's permission policy), so district admins hold them too.
CATALOGUES = [
    ("lms", "programme", ["add", "change", "view"]),
    ("lms", "tier", ["add", "change", "view"]),
    ("lms", "stage", ["add", "change", "view"]),
    ("lms", "casetask", ["add", "change", "view"]),
    ("lms", "question", ["add", "change", "view", "delete"]),
    ("lms", "examblueprint", ["add", "change", "view"]),
]

# role -> [(app_label, model, [actions])]
ROLE_PERMISSIONS: dict[Role, list[tuple[str, str, list[str]]]] = {
    Role.LEARNER: [],
    Role.MENTOR: [],
    Role.PARTNER: [],
    Role.HR: [
        ADMIN,
        ("talent", "orgunit", ["view"]),
        ("talent", "person", ["add", "change", "view"]),
        ("lms", "mentorship", ["add", "view"]),
        ("lms", "practicelog", ["view"]),
        ("lms", "checkinsession", ["view"]),
        *HR_RECORDS,
        ("talent", "post", ["view"]),
        ("talent", "grade", ["view"]),
        ("talent", "calendarday", ["view"]),
    ],
    Role.ORGANISER: [
        ADMIN,
        ("talent", "orgunit", ["view"]),
        ("talent", "person", ["view"]),
        *PLACEMENT_COORDINATION,
        *EVENT_ORGANISING,
        # lms models are named by label only: talent never imports lms.
        *CATALOGUES,
        ("lms", "cohort", ["add", "change", "view", "delete"]),
        ("lms", "casesubmission", ["view"]),
    ],
    Role.DISTRICT_ADMIN: [
        ADMIN,
        ("talent", "orgunit", ["add", "change", "view", "delete"]),
        ("talent", "person", ["add", "change", "view", "delete"]),
        ("talent", "scopegrant", ["add", "change", "view", "delete"]),
        *PLACEMENT_COORDINATION,
        ("lms", "mentorship", ["add", "view"]),
        ("lms", "practicelog", ["view"]),
        *EVENT_ORGANISING,
        *CATALOGUES,
        *HR_RECORDS,
        ("talent", "post", ["add", "change", "view"]),
        ("talent", "grade", ["add", "change", "view"]),
        ("talent", "promotionpolicy", ["change"]),
        ("talent", "certificationpolicy", ["change"]),
        # The second signature on a promotion round, the pay base and the calendar.
        ("talent", "promotionreview", ["approve"]),
        ("talent", "paypolicy", ["change"]),
        ("talent", "calendarday", ["add", "change", "view", "delete"]),
        ("talent", "examrule", ["change"]),
        ("lms", "readinesspolicy", ["change"]),
    ],
}

# Roles whose grants open the Wagtail admin over a unit subtree.
ADMIN_ROLES = (Role.HR, Role.ORGANISER, Role.DISTRICT_ADMIN)
# Roles that organise training and coordinate placements over their subtree.
ORGANISER_ROLES = (Role.ORGANISER, Role.DISTRICT_ADMIN)


def sync_role_groups(apps=None, **kwargs) -> None:
    """Create each role's group and set exactly the permissions listed above."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, specs in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=ROLE_GROUP_NAMES[role])
        wanted = []
        for app_label, model, actions in specs:
            codenames = [action if model == "admin" else f"{action}_{model}" for action in actions]
            wanted.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )
        group.permissions.set(wanted)
