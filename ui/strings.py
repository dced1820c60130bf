"""The app's words: `t(key, language)` reads the one message catalogue (text/messages.py)."""
from __future__ import annotations

from text.messages import LANGUAGES as UI_LANGUAGES
from text.messages import message as t

__all__ = ["UI_LANGUAGES", "t"]
