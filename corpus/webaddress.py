"""Which web addresses the catalogue keeps: http(s) only, with a host, and none of the characters that
could end a link or an attribute in Markdown or HTML (< > " ' ` \\ spaces, control characters)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

UNSAFE = re.compile(r"[\s<>\"'`\\\x00-\x1f\x7f]")


def is_web_address(value: str) -> bool:
    if not value or UNSAFE.search(value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc) and not parts.netloc.startswith("@")
