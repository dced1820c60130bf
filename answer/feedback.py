"""Useful / not useful, stored in the catalogue with the question and the passages that were cited."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from answer.compose import Answer
from corpus.db import connect, utc_now


@dataclass(frozen=True)
class Feedback:
    at: str
    useful: bool
    question: str
    answer: str
    cited_passage_ids: list[int]
    shown_passage_ids: list[int]
    comment: str | None


def record_feedback(catalogue_path: Path, answer: Answer, useful: bool, session: str | None = None,
                    user: str | None = None, comment: str | None = None) -> int:
    db = connect(catalogue_path)
    try:
        cursor = db.execute(
            "INSERT INTO answer_feedback (at, session, user, useful, question, search_query, answer, abstained, "
            "confidence, written_by, cited_passage_ids, shown_passage_ids, comment) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (utc_now(), session, user, int(useful), answer.question, answer.search_query,
             answer.text or (answer.notice or ""), int(answer.abstained), answer.confidence, answer.written_by,
             json.dumps([h.passage.id for h in answer.cited_hits]), json.dumps([h.passage.id for h in answer.hits]),
             comment or None))
        return int(cursor.lastrowid)
    finally:
        db.close()


def all_feedback(catalogue_path: Path) -> list[Feedback]:
    db = connect(catalogue_path)
    try:
        return [_feedback(row) for row in db.execute("SELECT * FROM answer_feedback ORDER BY id")]
    finally:
        db.close()


def _feedback(row: sqlite3.Row) -> Feedback:
    return Feedback(row["at"], bool(row["useful"]), row["question"], row["answer"],
                    json.loads(row["cited_passage_ids"]), json.loads(row["shown_passage_ids"]), row["comment"])
