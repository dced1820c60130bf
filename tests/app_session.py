"""Driving the real app.py in AppTest as a person would: start a session, log in from the sidebar."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from settings import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")


def start() -> AppTest:
    """A new browser session on the app."""
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def log_in(app: AppTest, name: str, password: str) -> AppTest:
    """Type the name and password into the sidebar's login form and send it."""
    app.sidebar.text_input[0].input(name)
    app.sidebar.text_input[1].input(password)
    next(b for b in app.sidebar.button if b.label == "Logga in").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app
