"""Publication dates as the catalogue stores them: ÅÅÅÅ, ÅÅÅÅ-MM or ÅÅÅÅ-MM-DD, and real ones."""
from __future__ import annotations

import re
from datetime import date

from text.problems import Problem

DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def is_date(value: str) -> bool:
    """ÅÅÅÅ, ÅÅÅÅ-MM or ÅÅÅÅ-MM-DD, and a real date (not 2020-13-45)."""
    if not DATE.match(value):
        return False
    year, month, day = (int(part) for part in (value.split("-") + ["1", "1"])[:3])
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


class BadDate(Problem, ValueError):
    """A publication date that is not ÅÅÅÅ, ÅÅÅÅ-MM or ÅÅÅÅ-MM-DD, or not a real one."""


def checked_date(value: str | None) -> str | None:
    """The date as it is stored (None for none), or BadDate saying what is wrong (2020-13-45 is no date)."""
    value = (value or "").strip() or None
    if value is not None and not is_date(value):
        raise BadDate("date_impossible", value=value)
    return value
