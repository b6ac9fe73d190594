"""Practice hours: logging, mentor sign-off and rejection, and corrections.

Only a log's own mentor signs or rejects it. A signed log never changes again
except through ``correct_log``, which needs a reason and writes an audit event.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from lms.models import LogStatus, Mentorship, PracticeEvidence, PracticeLog, SignMethod
from talent import api as talent

LOG_QR_SALT = "lms.practice.log-qr"
LOG_QR_MAX_AGE = 600  # a mentee's QR stays valid for ten minutes


def _own_person(actor) -> talent.Person:
    person = talent.person_for_user(actor)
    if person is None:
        raise PermissionDenied(_("此账号尚未关联人员档案，请联系人事专员。"))
    return person


@transaction.atomic
def log_practice(
    *,
    actor,
    date: datetime.date,
    hours: Decimal,
    activity: str,
    mentorship: Mentorship | None = None,
    photo=None,
    place: str = "",
) -> PracticeLog:
    """A learner records their own hours, optionally with a photo as evidence
    (its EXIF time and GPS position are kept in fields the mentor sees; the
    file itself is private); they wait for the mentor's sign-off."""
    person = _own_person(actor)
    if mentorship is not None and mentorship.mentee_id != person.pk:
        raise PermissionDenied(_("只能登记自己的帮带学时。"))
    if date > timezone.localdate():
        raise ValidationError(_("不能登记未来日期的学时。"))
    log = PracticeLog(
        person=person,
        date=date,
        hours=hours,
        activity=activity,
        mentorship=mentorship,
        created_by=actor,
    )
    log.full_clean()
    log.save()
    if photo is not None:
        found = photo_evidence(photo)
        evidence = PracticeEvidence(
            log=log,
            photo=photo,
            place=place,
            taken_at=found.taken_at,
            latitude=found.latitude,
            longitude=found.longitude,
        )
        evidence.full_clean(exclude=["log"])
        evidence.save()
    talent.record_audit(
        actor=actor, action="lms.practice.create", obj=log, after=talent.snapshot(log)
    )
    return log


EXIF_IFD = 0x8769
GPS_IFD = 0x8825
EXIF_DATETIME_ORIGINAL = 36867
EXIF_OFFSET_TIME_ORIGINAL = 36881
EXIF_DATETIME = 306
GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE = 1, 2, 3, 4


@dataclass(frozen=True)
class PhotoEvidence:
    """What a phone photo says about itself: when (EXIF DateTimeOriginal, with
    its UTC offset if the camera wrote one, else camera local time read in the
    site's zone) and where (EXIF GPS, decimal degrees)."""

    taken_at: datetime.datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def _degrees(value, ref) -> Decimal | None:
    try:
        d, m, s = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    if str(ref).strip().upper() in ("S", "W"):
        degrees = -degrees
    if not -180 <= degrees <= 180:
        return None
    return Decimal(str(round(degrees, 6)))


def _taken_at(exif_ifd, exif) -> datetime.datetime | None:
    text = exif_ifd.get(EXIF_DATETIME_ORIGINAL) or exif.get(EXIF_DATETIME)
    try:
        taken = datetime.datetime.strptime(str(text).strip(), "%Y:%m:%d %H:%M:%S")
    except (TypeError, ValueError):
        return None
    offset = str(exif_ifd.get(EXIF_OFFSET_TIME_ORIGINAL) or "").strip()
    try:
        zone = datetime.datetime.strptime(offset, "%z").tzinfo if offset else None
    except ValueError:
        zone = None
    return taken.replace(tzinfo=zone) if zone else timezone.make_aware(taken)


def photo_evidence(photo) -> PhotoEvidence:
    """Time and place from a photo's EXIF data; empty fields where it has none."""
    try:
        photo.seek(0)
        with Image.open(photo) as image:
            exif = image.getexif()
            exif_ifd = exif.get_ifd(EXIF_IFD)
            gps = exif.get_ifd(GPS_IFD)
    except (OSError, ValueError, SyntaxError):
        return PhotoEvidence()
    finally:
        photo.seek(0)
    latitude = _degrees(gps.get(GPS_LATITUDE), gps.get(GPS_LATITUDE_REF, "N"))
    longitude = _degrees(gps.get(GPS_LONGITUDE), gps.get(GPS_LONGITUDE_REF, "E"))
    if latitude is None or longitude is None or abs(latitude) > 90:
        latitude = longitude = None
    return PhotoEvidence(taken_at=_taken_at(exif_ifd, exif), latitude=latitude, longitude=longitude)


def _pending_logs_of_mentor(actor, log_ids: Iterable[int]) -> list[PracticeLog]:
    """Lock the requested pending logs; refuse all if any is not the actor's mentee's."""
    ids = sorted(set(log_ids))
    if not ids:
        raise ValidationError(_("请至少选择一条学时记录。"))
    logs = list(
        PracticeLog.objects.select_for_update(of=("self",))
        .select_related("person__user", "mentorship__mentor")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    talent.require_not_self(actor, [log.person for log in logs], talent.Decision.SIGN_OFF)
    if len(logs) != len(ids) or any(
        log.mentorship is None or log.mentorship.mentor.user_id != actor.pk for log in logs
    ):
        raise PermissionDenied(_("只能签核自己学员的学时。"))
    if any(log.status != LogStatus.PENDING for log in logs):
        raise ValidationError(_("所选记录中有已处理的学时，请刷新后重试。"))
    return logs


def credit_mentoring_hours(*, log: PracticeLog, actor=None) -> None:
    """Signed mentoring hours count towards continuing education, once per log."""
    talent.credit_ce_hours(
        person=log.person,
        hours=log.hours,
        source=talent.CESource.MENTORING,
        source_ref=f"practice_log:{log.pk}",
        earned_on=log.date,
        description=log.activity,
        actor=actor,
    )


def after_signing(*, actor, logs: list[PracticeLog]) -> None:
    """What follows a sign-off, whichever way it happened: the audit event, the
    mentee's notification, and CE hours for mentoring logs."""
    url = reverse("lms:my_practice")
    for log in logs:
        talent.record_audit(
            actor=actor,
            action="lms.practice.sign",
            obj=log,
            after={"status": log.status, "method": log.sign_method, "hours": str(log.hours)},
        )
        if log.mentorship_id:
            credit_mentoring_hours(log=log, actor=actor)
        if log.person.user_id:
            talent.notify(
                recipient=log.person.user,
                title=_("实践学时已签核：%(date)s %(hours)s 学时")
                % {"date": log.date.isoformat(), "hours": log.hours},
                body=log.activity,
                url=url,
            )


@transaction.atomic
def sign_off(
    *, actor, log_ids: Iterable[int], method: str = SignMethod.MANUAL
) -> list[PracticeLog]:
    """A mentor signs pending logs of their own mentees, one or many at once."""
    logs = _pending_logs_of_mentor(actor, log_ids)
    now = timezone.now()
    for log in logs:
        log.status = LogStatus.SIGNED
        log.signed_by = actor
        log.sign_method = method
        log.signed_at = now
        log.save(update_fields=["status", "signed_by", "sign_method", "signed_at"])
    after_signing(actor=actor, logs=logs)
    return logs


@transaction.atomic
def reject(*, actor, log_ids: Iterable[int], reason: str) -> list[PracticeLog]:
    """A mentor returns pending logs with a reason; the mentees are told why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("退回时必须填写原因。"))
    logs = _pending_logs_of_mentor(actor, log_ids)
    url = reverse("lms:my_practice")
    for log in logs:
        log.status = LogStatus.REJECTED
        log.reject_reason = reason[:200]
        log.save(update_fields=["status", "reject_reason"])
        talent.record_audit(
            actor=actor, action="lms.practice.reject", obj=log, after={"reason": reason}
        )
        if log.person.user_id:
            talent.notify(
                recipient=log.person.user,
                title=_("实践学时被退回：%(date)s %(hours)s 学时")
                % {"date": log.date.isoformat(), "hours": log.hours},
                body=reason,
                url=url,
            )
    return logs


# The mentee's QR for one pending log ---------------------------------------


def log_qr_token(*, actor, log: PracticeLog) -> str:
    """A signed token naming one pending log; only its owner may show it."""
    if log.person.user_id != actor.pk:
        raise PermissionDenied(_("只能出示自己的学时二维码。"))
    if log.status != LogStatus.PENDING:
        raise ValidationError(_("只有待签核的学时可以扫码签核。"))
    return signing.dumps({"l": log.pk}, salt=LOG_QR_SALT)


def log_from_qr_token(token: str) -> PracticeLog:
    try:
        data = signing.loads(token, salt=LOG_QR_SALT, max_age=LOG_QR_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(_("二维码已过期，请学员刷新后重新出示。")) from None
    except signing.BadSignature:
        raise ValidationError(_("二维码无效。")) from None
    log = (
        PracticeLog.objects.select_related("person__unit", "mentorship__mentor")
        .filter(pk=data.get("l"))
        .first()
    )
    if log is None:
        raise ValidationError(_("二维码无效。"))
    return log


def sign_by_qr(*, actor, token: str) -> PracticeLog:
    """The mentor scanned a mentee's QR: sign exactly that log (method: QR)."""
    log = log_from_qr_token(token)
    return sign_off(actor=actor, log_ids=[log.pk], method=SignMethod.QR)[0]


# Corrections ----------------------------------------------------------------

CORRECTABLE = ("date", "hours", "activity")


def may_correct(actor, log: PracticeLog) -> bool:
    if log.mentorship_id and log.mentorship.mentor.user_id == actor.pk:
        return True
    return talent.scope_for(
        actor, roles=(talent.Role.HR, talent.Role.DISTRICT_ADMIN)
    ).contains_unit(log.person.unit)


@transaction.atomic
def correct_log(*, actor, log: PracticeLog, reason: str, **changes) -> PracticeLog:
    """Change a signed log's date, hours or activity: the only way a signed log
    changes. The mentor or HR over the person may do it, with a reason that is
    kept in the audit event beside the before/after values."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("更正必须填写原因。"))
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ValidationError(_("只能更正日期、学时和实践内容。"))
    stored = (
        PracticeLog.objects.select_for_update(of=("self",))
        .select_related("person__unit", "person__user", "mentorship__mentor")
        .get(pk=log.pk)
    )
    if not may_correct(actor, stored):
        raise PermissionDenied(_("您没有更正这条学时的权限。"))
    if stored.status != LogStatus.SIGNED:
        raise ValidationError(_("只有已签核的学时需要更正；待签核的学时可直接退回。"))
    before = talent.snapshot(stored, fields=list(CORRECTABLE))
    for field, value in changes.items():
        setattr(stored, field, value)
    stored.full_clean()
    stored._correction_reason = reason
    stored.save(update_fields=list(changes))
    before_changed = {k: v for k, v in before.items() if k in changes}
    after = talent.snapshot(stored, fields=list(changes))
    talent.record_audit(
        actor=actor,
        action="lms.practice.correct",
        obj=stored,
        before=before_changed,
        after=after,
        reason=reason,
    )
    if stored.person.user_id:
        talent.notify(
            recipient=stored.person.user,
            title=_("实践学时已更正：%(date)s") % {"date": stored.date.isoformat()},
            body=reason,
            url=reverse("lms:my_practice"),
        )
    return stored


# Mentorships ----------------------------------------------------------------


@transaction.atomic
def create_mentorship(
    *,
    actor,
    mentor: talent.Person,
    mentee: talent.Person,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
    goal: str = "",
) -> Mentorship:
    """HR pairs a mentor with a mentee in their scope. The mentor holds the
    mentor role and lies in the actor's scope too, and the actor is neither of
    them (separation of duties, ``talent.mentorship_refusal``)."""
    if not actor.has_perm("lms.add_mentorship"):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    if not talent.scope_for(actor).contains_unit(mentee.unit):
        raise PermissionDenied(_("该单位不在您的管辖范围内。"))
    refusal = talent.mentorship_refusal(actor, mentor=mentor, mentee=mentee)
    if refusal:
        raise ValidationError(refusal, code="separation_of_duties")
    mentorship = Mentorship(
        mentor=mentor, mentee=mentee, started_on=started_on, ended_on=ended_on, goal=goal
    )
    mentorship.full_clean()
    mentorship.save()
    talent.record_audit(
        actor=actor,
        action="lms.mentorship.create",
        obj=mentorship,
        after=talent.snapshot(mentorship),
    )
    return mentorship
