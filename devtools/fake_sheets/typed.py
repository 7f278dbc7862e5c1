"""What a person types into a cell (USER_ENTERED) and what the sheet then shows (FORMATTED_VALUE), per locale.

The spreadsheet's locale decides both: en_US reads "2,000,000.01" and "10/12/2025" (M/D/Y), ru_RU reads "4,5",
"2 000 000,01" and "12.10.2025" (Д.М.Г). A number typed with grouping, a percent or a date keeps the shape it was
typed in (Google sets the cell's number format from the input); a date is stored as a serial day number, which is
what UNFORMATTED_VALUE returns. Not reproduced: month names, times, currencies, "4.5" becoming a date in ru_RU.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from .state import Cell, Formula, Shown, evaluate, parse_raw

EPOCH = dt.date(1899, 12, 30)  # serial day 0 of Sheets (and of Lotus 1-2-3 / Excel after 1900-03-01)
NBSP = "\u00a0"


@dataclass(frozen=True)
class Locale:
    name: str
    decimal: str
    group: str  # what the sheet shows between groups of three digits
    groups_typed: str  # group separators a person may type
    true: str
    false: str
    date_re: re.Pattern[str]  # groups: day, month, year in the order they are written
    date_order: tuple[str, str, str]
    date_pattern: str  # how a typed date is shown: strftime with non-padded %-d/%-m spelled as {d}/{m}


EN_US = Locale("en_US", ".", ",", ",", "TRUE", "FALSE", re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"),
               ("m", "d", "y"), "{m}/{d}/{y}")
RU_RU = Locale("ru_RU", ",", NBSP, " " + NBSP + "\u202f", "ИСТИНА", "ЛОЖЬ",
               re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), ("d", "m", "y"), "{dd}.{mm}.{y}")
LOCALES = {loc.name: loc for loc in (EN_US, RU_RU)}
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def locale_of(name: str) -> Locale:
    return LOCALES.get(name, EN_US)  # other locales are treated as en_US (documented)


def _number_re(loc: Locale) -> re.Pattern[str]:
    group = "[" + re.escape(loc.groups_typed) + "]"
    dec = re.escape(loc.decimal)
    return re.compile(rf"^([+-]?)((?:\d{{1,3}}(?:{group}\d{{3}})+)|\d+)?(?:{dec}(\d*))?(?:[eE]([+-]?\d+))?$")


_NUMBERS = {name: _number_re(loc) for name, loc in LOCALES.items()}


def _to_number(text: str) -> int | float:
    num = float(text)
    return int(num) if num.is_integer() and abs(num) < 1e15 else num


def _date(text: str, loc: Locale) -> Shown | None:
    m, pattern = loc.date_re.match(text), loc.date_pattern
    if m:
        parts = dict(zip(loc.date_order, (int(g) for g in m.groups()), strict=True))
    elif (m := _ISO.match(text)) is not None:
        parts, pattern = dict(zip(("y", "m", "d"), (int(g) for g in m.groups()), strict=True)), "{y}-{mm}-{dd}"
    else:
        return None
    try:
        day = dt.date(parts["y"], parts["m"], parts["d"])
    except ValueError:
        return None  # "31.02.2025" stays text, as in Sheets
    return Shown((day - EPOCH).days, "date", pattern)


def parse_user_entered(value: Any, locale: str = "en_US") -> Cell:
    """What a person typing `value` into a sheet of this locale stores."""
    if not isinstance(value, str):
        return parse_raw(value)
    loc = locale_of(locale)
    if value == "":
        return None
    if value.startswith("'"):
        return value[1:] or None
    text = value.strip()
    if text.startswith("=") and len(text) > 1:
        return Formula(text)  # leading spaces before "=" are dropped and the formula evaluates
    if text.upper() in ("TRUE", "FALSE", loc.true, loc.false):
        return text.upper() in ("TRUE", loc.true)
    if any(ch.isdigit() for ch in text):
        percent = text.endswith("%")
        body = text[:-1].rstrip() if percent else text
        m = _NUMBERS[loc.name].match(body)
        if m:
            sign, whole, frac, exp = m.groups()
            digits = re.sub(r"\D", "", whole or "")
            num = _to_number(f"{sign}{digits or '0'}.{frac or '0'}" + (f"e{exp}" if exp else ""))
            grouped = whole is not None and not whole.isdigit()
            if percent:
                return Shown(num / 100, "percent", str(len(frac or "")))
            return Shown(num, "grouped", str(len(frac or ""))) if grouped else num
        return _date(text, loc) or value
    return value


def format_number(num: int | float, loc: Locale = EN_US) -> str:
    """The default ("automatic") number format, simplified."""
    if isinstance(num, int) or (num.is_integer() and abs(num) < 1e15):
        text = str(int(num))
    elif abs(num) >= 1e15 or abs(num) < 1e-9:
        text = f"{num:.2E}"
    else:
        text = f"{num:.10g}"
    return text.replace(".", loc.decimal)


def _shown(cell: Shown, loc: Locale) -> str:
    if cell.kind == "date":
        day = EPOCH + dt.timedelta(days=int(cell.value))
        return cell.pattern.format(d=day.day, m=day.month, dd=f"{day.day:02d}", mm=f"{day.month:02d}", y=day.year)
    decimals = int(cell.pattern)
    if cell.kind == "percent":
        return f"{cell.value * 100:.{decimals}f}".replace(".", loc.decimal) + "%"
    text = f"{cell.value:,.{decimals}f}"  # "grouped": #,##0 with as many decimals as were typed
    return text.replace(",", "\0").replace(".", loc.decimal).replace("\0", loc.group)


def render(cell: Cell, option: str, locale: str = "en_US") -> Any:
    """ValueRenderOption: FORMATTED_VALUE (text shown), UNFORMATTED_VALUE (typed value), FORMULA (formula text)."""
    loc = locale_of(locale)
    if isinstance(cell, Formula):
        if option == "FORMULA":
            return cell.text
        cell = evaluate(cell)
    if isinstance(cell, Shown):
        if option == "FORMATTED_VALUE":
            return _shown(cell, loc)
        return cell.value
    if option == "FORMATTED_VALUE":
        if isinstance(cell, bool):
            return loc.true if cell else loc.false
        if isinstance(cell, (int, float)):
            return format_number(cell, loc)
    return "" if cell is None else cell
