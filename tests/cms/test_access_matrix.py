"""The access matrix (issue 13, finding 8): every URL pattern of the project —
site, phone, partner portal, Wagtail admin with every viewset and chooser — is
requested as every role, against an object of the role's own subtree and one
of a subtree the role must not see.

- No request answers 5xx.
- A role outside the secret subtree (anonymous, a learner, a mentor, HR, an
  organiser and a scoped district admin of the other subdistrict, the partner of
  another university) gets a refusal (403/404/redirect) or a page in which
  nothing of the secret subtree appears (``MARK`` is in every name of it).

URL parameters come from the view's model (admin viewsets, choosers) or from
``PARAMS`` below. A new view of ours whose parameters the matrix cannot fill
fails the test, so it is covered the day it is added.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from wagtail.admin.viewsets import viewsets as viewset_registry

from lms import models as lms_models
from talent import models as talent_models

from .access_world import MARK, World

# Keys of World.objects for the models our viewsets and choosers show.
MODEL_KEYS = {
    talent_models.Person: "person",
    talent_models.OrgUnit: "unit",
    get_user_model(): "user",
    talent_models.ScopeGrant: "grant",
    talent_models.Certificate: "certificate",
    talent_models.RegistrationPeriod: "registration",
    talent_models.ExamAttempt: "exam_result",
    talent_models.CertificationTarget: "target",
    talent_models.CEHourEntry: "ce_hours",
    talent_models.AnnualAssessment: "assessment",
    talent_models.GradeChange: "grade_change",
    talent_models.PromotionReview: "review",
    talent_models.University: "university",
    talent_models.PracticeBase: "base",
    talent_models.Placement: "placement",
    talent_models.RotationPlan: "rotation",
    talent_models.Post: "post",
    talent_models.Grade: "grade",
    talent_models.ExamSitting: "sitting",
    talent_models.ExamRule: "exam_rule",
    talent_models.CalendarDay: "calendar_day",
    lms_models.Mentorship: "mentorship",
    lms_models.PracticeLog: "log",
    lms_models.CheckInSession: "session",
    lms_models.SignUp: "signup",
    lms_models.Salon: "salon",
    lms_models.RoadshowSlot: "slot",
    lms_models.Cohort: "cohort",
    lms_models.CaseSubmission: "submission",
    lms_models.Programme: "programme",
    lms_models.Tier: "tier",
    lms_models.Stage: "stage",
    lms_models.CaseTask: "task",
    lms_models.Question: "question",
    lms_models.ExamBlueprint: "blueprint",
    lms_models.CheckInRule: "checkin_rule",
    lms_models.SalonTheme: "theme",
    lms_models.RubricCriterion: "rubric",
}

# Views of ours outside the viewsets: URL name → {kwarg: World.objects key or "=literal"}
SESSION = {"pk": "session"}
PARAMS = {
    "lms:enrol": {"pk": "course"},
    "lms:complete_lesson": {"pk": "lesson"},
    "lms:exam_start": {"pk": "blueprint"},
    "lms:exam_take": {"pk": "lms_attempt"},
    "lms:exam_save": {"pk": "lms_attempt"},
    "lms:exam_submit": {"pk": "lms_attempt"},
    "lms:exam_result": {"pk": "lms_attempt"},
    "lms:case_task": {"pk": "task"},
    "lms:review_submission": {"pk": "submission"},
    "lms:submission_attachment": {"pk": "submission"},
    "lms:log_qr": {"pk": "log"},
    "lms:evidence_photo": {"pk": "evidence"},
    "lms:scan_log": {"token": "=not-a-token"},
    "lms:session_detail": SESSION,
    "lms:session_projector": SESSION,
    "lms:session_live": SESSION,
    "lms:session_roster": SESSION,
    "lms:session_close": SESSION,
    "lms:session_open_early": SESSION,
    "lms:session_export": SESSION,
    "lms:session_signup": SESSION,
    "lms:signup": SESSION,
    "lms:signup_cancel": SESSION,
    "lms:checkin_scan": SESSION,
    "lms:checkin_out": SESSION,
    "lms:checkin_confirm": {"pk": "session", "ticket": "=not-a-ticket"},
    "lms:salon_detail": {"pk": "salon"},
    "lms:salon_score": {"pk": "salon", "slot_pk": "slot"},
    "evaluate_placement": {"pk": "placement", "party": "=self"},
    "partner_student": {"pk": "student"},
    "partner_placement": {"pk": "placement"},
    "partner_withdraw": {"pk": "placement"},
    "lms_salon:publish": {"pk": "salon"},
    "lms_salon:close_scoring": {"pk": "salon"},
    "lms_cohort:progress": {"pk": "cohort"},
    "lms_cohort:exams": {"pk": "cohort"},
    "lms_cohort:add_members": {"pk": "cohort"},
    "lms_cohort:import_members": {"pk": "cohort"},
    "talent_placement:decide": {"pk": "placement"},
    "talent_review:withdraw": {"pk": "candidate"},
    "talent_review:answer": {"pk": "objection"},
    "talent_certificate_confirm": {"pk": "certificate"},
    "talent_registration_record": {"pk": "certificate"},
    "talent_sitting_entries_export": {"pk": "sitting"},
    "promotion_notice": {"pk": "review"},
    "talent_job": {"token": "job"},
    "talent_job_progress": {"token": "job"},
    "talent_job_download": {"token": "job"},
    "partner_job": {"token": "partner_job"},
    "partner_job_progress": {"token": "partner_job"},
    "partner_job_download": {"token": "partner_job"},
    "password_reset_confirm": {"uidb64": "=MQ", "token": "=not-a-token"},
    "wagtailsettings:edit": {
        "app_name": "=talent",
        "model_name": "=promotionpolicy",
        "pk": "policy",
    },
}

# Wagtail's own views with parameters get a value of the right kind that names
# nothing (they hold no org-scoped records); ours must be listed above.
GENERIC = {"int": 999999, "string": "999999", "slug": "x", "path": "x", "uuid": "0" * 32}


def _patterns(patterns=None, prefix="", namespace=None):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield prefix + str(entry.pattern), name, entry


def _viewset_keys() -> dict[str, str]:
    """URL namespace of every registered viewset → the World key of its model."""
    keys = {}
    for viewset in viewset_registry.viewsets:
        for vs in [viewset, *getattr(viewset, "viewsets", [])]:
            model = getattr(vs, "model", None)
            if not getattr(vs, "name", None) or model not in MODEL_KEYS:
                continue
            keys[vs.url_namespace] = MODEL_KEYS[model]
    return keys


def _ours(pattern: URLPattern) -> bool:
    callback = pattern.callback
    view_class = getattr(callback, "view_class", None)
    module = (view_class or callback).__module__
    return module.split(".")[0] in ("cms", "lms", "talent")


def _kwarg_kinds(pattern: URLPattern) -> dict[str, str]:
    converters = getattr(pattern.pattern, "converters", None) or {}
    kinds = {name: "int" for name in pattern.pattern.regex.groupindex}
    for name, converter in converters.items():
        kinds[name] = type(converter).__name__.replace("Converter", "").lower()
    return kinds


def _reverse_positional(name: str, groups: int) -> str:
    """Wagtail's few positional patterns (page serving, documents): a value that fits."""
    for value in ("", "1"):
        try:
            return reverse(name, args=[value] * groups)
        except NoReverseMatch:
            continue
    return reverse(name, args=["1", "x"][:groups])


def build_urls(world_objects: dict) -> tuple[list[tuple[str, str, bool]], list[str]]:
    """(name, path, ours) for every URL pattern; plus the patterns the matrix
    cannot fill. ``ours`` marks views of this project (viewsets included)."""
    viewset_keys = _viewset_keys()
    urls, unmapped = [], []
    for route, name, pattern in _patterns():
        kinds = _kwarg_kinds(pattern)
        if not name:
            if kinds or pattern.pattern.regex.groups:
                if _ours(pattern):
                    unmapped.append(route)
                continue
            urls.append((route, "/" + route.lstrip("^").rstrip("$"), _ours(pattern)))
            continue
        ours = _ours(pattern) or name.split(":")[0] in viewset_keys
        kwargs = {}
        for kwarg, kind in kinds.items():
            source = PARAMS.get(name, {}).get(kwarg)
            if source is None and kwarg == "pk" and name.split(":")[0] in viewset_keys:
                source = viewset_keys[name.split(":")[0]]
            if source is None:
                if ours:
                    unmapped.append(f"{name} ({route})")
                    break
                kwargs[kwarg] = GENERIC.get(kind, "x")
            elif source.startswith("="):
                kwargs[kwarg] = source[1:]
            else:
                target = world_objects[source]
                kwargs[kwarg] = target.token if kwarg == "token" else target.pk
        else:
            if not kinds and pattern.pattern.regex.groups:
                path = _reverse_positional(name, pattern.pattern.regex.groups)
            else:
                path = reverse(name, kwargs=kwargs)
            urls.append((name, path, ours))
    return urls, unmapped


def _body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if content[:2] == b"PK":  # xlsx: look inside the workbook's XML
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as book:
                return "".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
        except zipfile.BadZipFile:
            pass
    return content.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = World()
        yield built
        transaction.set_rollback(True)


OUTSIDERS = ["anonymous", "learner", "mentor", "hr", "organiser", "district_admin", "partner"]
INSIDERS = ["learner", "mentor", "hr", "organiser", "partner"]


def _client(world, side, role) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(
            getattr(side, {"learner": "learner_user", "mentor": "mentor_user"}.get(role, role))
        )
    return client


# Event pages are public by design: a class or salon open for sign-up announces its
# title, time and host unit to anyone. Those texts of the probed event are taken
# out of the page before the check; anything else of the subtree (people, records)
# must still not appear.
PUBLIC = {
    "lms:session_signup": lambda side: [side.session.title, side.session.unit.name],
}

# Not requested: Wagtail's own "does error reporting work" page raises on purpose,
# and a logout would turn the rest of the run into anonymous requests.
SKIPPED = {"wagtailadmin_error_test", "wagtailadmin_logout", "logout"}


# Random per-request values (CSRF tokens in forms and in Wagtail's JS config, CSP
# nonces) may contain the mark by chance: long runs of token characters are not
# names, so they are taken out before the check.
RANDOM_VALUES = re.compile(r'nonce="[^"]*"|[A-Za-z0-9_=-]{32,}')


def _probe(client, urls, *, outsider: bool, side=None) -> list[str]:
    problems = []
    user_id = client.session.get("_auth_user_id")
    for name, path, _ in urls:
        if name in SKIPPED:
            continue
        try:
            response = client.get(path)
        except Exception as error:  # noqa: BLE001 - every failure is reported with its URL
            problems.append(f"{path} ({name}): raised {type(error).__name__}: {error}")
            continue
        if response.status_code >= 500:
            problems.append(f"{path} ({name}): {response.status_code}")
        elif outsider and response.status_code == 200:
            body = RANDOM_VALUES.sub("", _body(response))
            for public in PUBLIC.get(name, lambda side: [])(side):
                body = body.replace(public, "")
            if MARK in body:
                at = body.index(MARK)
                problems.append(f"{path} ({name}): shows {body[max(0, at - 60) : at + 20]!r}")
        # every request is made as the role: a view that ends the session is a finding
        assert client.session.get("_auth_user_id") == user_id, f"{path} ({name}) logged out"
    return problems


def test_every_url_pattern_is_covered(world, db):
    urls, unmapped = build_urls(world.objects(world.secret))
    assert not unmapped, "URL patterns the access matrix cannot fill (add them to PARAMS):\n" + (
        "\n".join(unmapped)
    )
    assert len(urls) > 400


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_see_nothing_of_another_subtree(world, db, role):
    urls, _unmapped = build_urls(world.objects(world.secret))
    problems = _probe(_client(world, world.outside, role), urls, outsider=True, side=world.secret)
    assert not problems, f"{role}:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", INSIDERS)
def test_insiders_get_no_server_error_on_their_own_records(world, db, role):
    """Our views, as the roles that may use them, on their own records (Wagtail's
    own views hold no records of a subtree: the outsiders' run covers them)."""
    urls, _unmapped = build_urls(world.objects(world.secret))
    urls = [url for url in urls if url[2]]
    problems = _probe(_client(world, world.secret, role), urls, outsider=False)
    assert not problems, f"{role}:\n" + "\n".join(problems)
