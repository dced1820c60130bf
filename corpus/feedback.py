"""Useful / not useful, as readers judged answers: stored with the question and the passages that were cited
(`catalogue.feedback`; answer.feedback turns an answer into a NewFeedback)."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from corpus.db import utc_now


@dataclass(frozen=True)
class NewFeedback:
    """One judgement of an answer, as it is written."""

    useful: bool
    question: str
    search_query: str | None
    answer: str
    abstained: bool
    confidence: float | None
    written_by: str
    cited_passage_ids: list[int]
    shown_passage_ids: list[int]
    session: str | None = None
    user: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class Feedback:
    at: str
    useful: bool
    question: str
    answer: str
    cited_passage_ids: list[int]
    shown_passage_ids: list[int]
    comment: str | None


class FeedbackLog:
    """The readers' judgements of answers (`catalogue.feedback`); each one written on its own."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def add(self, new: NewFeedback) -> int:
        cursor = self._db.execute(
            "INSERT INTO answer_feedback (at, session, user, useful, question, search_query, answer, abstained, "
            "confidence, written_by, cited_passage_ids, shown_passage_ids, comment) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (utc_now(), new.session, new.user, int(new.useful), new.question, new.search_query, new.answer,
             int(new.abstained), new.confidence, new.written_by, json.dumps(new.cited_passage_ids),
             json.dumps(new.shown_passage_ids), new.comment or None))
        return int(cursor.lastrowid)

    def all(self) -> list[Feedback]:
        return [_feedback(row) for row in self._db.execute("SELECT * FROM answer_feedback ORDER BY id")]


def _feedback(row: sqlite3.Row) -> Feedback:
    return Feedback(row["at"], bool(row["useful"]), row["question"], row["answer"],
                    json.loads(row["cited_passage_ids"]), json.loads(row["shown_passage_ids"]), row["comment"])
