"""Publication dates as the catalogue stores them: ÅÅÅÅ, ÅÅÅÅ-MM or ÅÅÅÅ-MM-DD, and real ones."""
from __future__ import annotations

import re
from datetime import date

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
