"""Cell normalisers and parsers of the spreadsheet imports (talent.imports.base
re-exports them): each takes a cell's raw value and returns the parsed value or
raises ``CellValueError`` with the message a person sees."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from talent.imports.workbook import UNCALCULATED


class CellValueError(ValueError):
    """Raised by a column parser; the message is shown to the user."""


# Cell normalisers and parsers ------------------------------------------------


# Invisible characters that carry nothing (zero-width spaces and joiners, word
# joiner, byte-order mark, soft hyphen): removed wherever they hide.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)


def clean_text(value: Any) -> str:
    """Full-width → half-width (NFKC), zero-width characters and BOMs removed,
    trimmed, and numbers typed as numbers → digits."""
    if value is None or value is UNCALCULATED:
        return ""
    if type(value) is str and value.isascii():
        # The common cell (工号, numbers, dates as text): NFKC and the invisible and
        # full-width characters below change nothing in ASCII.
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    raw = str(value).translate(INVISIBLE)
    return unicodedata.normalize("NFKC", raw).replace("\u3000", " ").strip()


# Full-width letters and digits → ASCII; full-width punctuation （），： is how
# Chinese is written and stays.
WIDE_ALNUM = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},
    **{0xFF21 + i: 0x41 + i for i in range(26)},
    **{0xFF41 + i: 0x61 + i for i in range(26)},
    0x3000: 0x20,
    0x00A0: 0x20,
}


def tidy_text(value: Any) -> str:
    """Free text such as a name: NFKC would turn 盘龙社区（新） into 盘龙社区(新),
    so only what is safe is normalised: NFC (which also maps CJK compatibility
    ideographs to the unified ones), zero-width characters and BOMs removed,
    full-width letters, digits and spaces made half-width, trimmed."""
    if not isinstance(value, str):
        return clean_text(value)
    raw = unicodedata.normalize("NFC", value.translate(INVISIBLE)).translate(WIDE_ALNUM)
    return raw.strip()


def hidden_characters(value: Any) -> str:
    """The control, direction-override and private-use characters in a text cell,
    named for the message (``U+202E（方向或格式控制符）``); "" when there are none.
    Such characters change how text displays or compares and cannot be seen, so
    they are refused rather than guessed away."""
    if not isinstance(value, str) or value.isprintable():
        return ""  # the common case, at C speed: no Cc, Cf, Co or Cs character
    kinds = {
        "Cc": _("控制字符"),
        "Cf": _("方向或格式控制符"),
        "Co": _("私用区字符，其他电脑上无法正常显示"),
        "Cs": _("无效字符"),
    }
    found: dict[str, str] = {}
    for char in value.translate(INVISIBLE):
        if char in "\t\n\r":
            continue
        kind = unicodedata.category(char)
        if kind in kinds:
            found.setdefault(f"U+{ord(char):04X}", kinds[kind])
    return "、".join(f"{code}（{kind}）" for code, kind in found.items())


def text(max_length: int | None = None) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        result = tidy_text(value)
        if max_length and len(result) > max_length:
            raise CellValueError(_("不能超过 %(n)d 个字符") % {"n": max_length})
        return result

    return parse


CODE = re.compile(r"[0-9A-Z_\-/.]+")


def code(max_length: int = 32) -> Callable[[Any], str]:
    """Identifiers such as 工号 / 证书编号: stored as numbers in many files, no spaces."""

    def parse(value: Any) -> str:
        result = clean_text(value).replace(" ", "").upper()
        if len(result) > max_length:
            raise CellValueError(_("不能超过 %(n)d 个字符") % {"n": max_length})
        if not CODE.fullmatch(result):
            raise CellValueError(_("只能包含字母、数字和 - _ / ."))
        return result

    return parse


def integer(min_value: int | None = None, max_value: int | None = None):
    def parse(value: Any) -> int:
        raw = clean_text(value)
        if isinstance(value, float) and not value.is_integer():
            raise CellValueError(_("应为整数"))
        if not re.fullmatch(r"[+-]?\d+", raw):
            raise CellValueError(_("应为整数"))
        number = int(raw)
        if min_value is not None and number < min_value:
            raise CellValueError(_("不能小于 %(n)d") % {"n": min_value})
        if max_value is not None and number > max_value:
            raise CellValueError(_("不能大于 %(n)d") % {"n": max_value})
        return number

    return parse


def past_year(min_value: int = 2000):
    """A year no later than this one (local time, read when the cell is parsed)."""
    check = integer(min_value)

    def parse(value: Any) -> int:
        number = check(value)
        this_year = timezone.localdate().year
        if number > this_year:
            raise CellValueError(
                _("不能晚于今年（%(year)d 年），请填写已经发生的年度") % {"year": this_year}
            )
        return number

    return parse


def decimal(
    min_value: Decimal | int | None = None, max_value: Decimal | int | None = None, places: int = 2
):
    def parse(value: Any) -> Decimal:
        raw = clean_text(value)
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise CellValueError(_("应为数字")) from None
        if not number.is_finite():
            raise CellValueError(_("应为数字"))
        if min_value is not None and number < Decimal(min_value):
            raise CellValueError(_("不能小于 %(n)s") % {"n": min_value})
        if max_value is not None and number > Decimal(max_value):
            raise CellValueError(_("不能大于 %(n)s") % {"n": max_value})
        return round(number, places)

    return parse


DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def date(value: Any) -> datetime.date:
    """Real dates, Excel serial numbers, and text like 2024-03-05, 2024/3/5,
    2024.3.5, 2024年3月5日 or 20240305. Day-first or month-first text such as
    05/03/2024 is ambiguous and refused."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2_958_466:  # Excel's serial range
            return from_excel(value).date()
        raise CellValueError(_("无法识别的日期"))
    raw = clean_text(value).replace(" ", "")
    for pattern in DATE_PATTERNS:
        match = pattern.fullmatch(raw)
        if match:
            try:
                return datetime.date(*(int(g) for g in match.groups()))
            except ValueError:
                raise CellValueError(_("日期不存在")) from None
    raise CellValueError(_("无法识别的日期，请写成 2024-03-05 的形式"))


SURELY_PAST = datetime.timedelta(days=2)


def past_date(value: Any) -> datetime.date:
    """A date (as ``date`` reads it) no later than today, Asia/Shanghai: facts
    such as a certificate obtained or a day of service cannot lie ahead."""
    day = date(value)
    if day < datetime.date.today() - SURELY_PAST:
        # Two days before the server's own date is before today in Asia/Shanghai too
        # (clocks differ by at most 26 hours): no need to ask for the local date,
        # which is slow enough to count when a file has 20,000 dates.
        return day
    today = timezone.localdate()
    if day > today:
        raise CellValueError(
            _("不能晚于今天（%(today)s），请填写已经发生的日期") % {"today": today.isoformat()}
        )
    return day


def choice(options: dict[str, Any] | Iterable[tuple[Any, Any]]):
    """Accept a choice by its Chinese label or its stored value."""
    pairs = list(options.items()) if isinstance(options, dict) else list(options)
    lookup = {}
    for stored, label in pairs:
        lookup[clean_text(label)] = stored
        lookup[clean_text(stored)] = stored
    labels = [str(label) for _stored, label in pairs]

    def parse(value: Any):
        raw = clean_text(value)
        if raw in lookup:
            return lookup[raw]
        raise CellValueError(_("应为以下之一：%(options)s") % {"options": "、".join(labels)})

    parse.labels = labels  # used for the template's drop-down
    parse.label_of = {stored: str(label) for stored, label in pairs}  # for previews
    return parse


def boolean(value: Any) -> bool:
    raw = clean_text(value).lower()
    if raw in ("是", "y", "yes", "true", "1", "√", "在职", "有"):
        return True
    if raw in ("否", "n", "no", "false", "0", "×", "离职", "无"):
        return False
    raise CellValueError(_("应填“是”或“否”"))


def unit(units: list) -> Callable[[Any], Any]:
    """An org unit by its code or (unambiguous) name, among ``units`` — pass the
    units in the importing user's scope, so anything else reads as not found."""
    by_code = {u.code.upper(): u for u in units}
    by_name: dict[str, list] = {}
    for u in units:
        by_name.setdefault(clean_text(u.name), []).append(u)

    def parse(value):
        raw = clean_text(value)
        if raw.upper() in by_code:
            return by_code[raw.upper()]
        matches = by_name.get(raw, [])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise CellValueError(_("单位名称“%(name)s”不唯一，请改填单位编码") % {"name": raw})
        raise CellValueError(_("找不到单位“%(name)s”，或不在您的管辖范围内") % {"name": raw})

    return parse


def phone(value) -> str:
    raw = clean_text(value).replace("-", "").replace(" ", "")
    if not raw.isdigit() or not 7 <= len(raw) <= 12:
        raise CellValueError(_("手机号应为 7–12 位数字"))
    return raw


def email(value) -> str:
    from django.core.validators import validate_email

    raw = clean_text(value)
    try:
        validate_email(raw)
    except Exception:
        raise CellValueError(_("电子邮箱格式不正确")) from None
    if len(raw) > 254:
        raise CellValueError(_("不能超过 %(n)d 个字符") % {"n": 254})
    return raw
