"""Useful / not useful, stored in the catalogue with the question and the passages that were cited."""
from __future__ import annotations

from pathlib import Path

from answer.result import Answer
from corpus.catalogue import Catalogue
from corpus.feedback import Feedback, NewFeedback

__all__ = ["Feedback", "all_feedback", "record_feedback"]


def record_feedback(catalogue_path: Path, answer: Answer, useful: bool, session: str | None = None,
                    user: str | None = None, comment: str | None = None) -> int:
    judged = NewFeedback(
        useful=useful, question=answer.question, search_query=answer.search_query,
        answer=answer.text or (answer.notice_text or ""), abstained=answer.abstained, confidence=answer.confidence,
        written_by=answer.written_by, cited_passage_ids=[h.passage.id for h in answer.cited_hits],
        shown_passage_ids=[h.passage.id for h in answer.hits], session=session, user=user, comment=comment)
    with Catalogue(catalogue_path) as catalogue:
        return catalogue.feedback.add(judged)


def all_feedback(catalogue_path: Path) -> list[Feedback]:
    with Catalogue(catalogue_path) as catalogue:
        return catalogue.feedback.all()
