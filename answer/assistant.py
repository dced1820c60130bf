"""The assistant the UI talks to: understand the turn, search, decide whether the library answers it,
compose a cited answer (extractively, or with a language model held to the same grounding)."""
from __future__ import annotations

from dataclasses import asdict, replace

import numpy as np

from answer.abstention import AbstentionModel, load_abstention_model
from answer.compose import compose_answer
from answer.conversation import Turn, next_turn
from answer.decision import Rule, reader_rule
from answer.evidence import gather_evidence
from answer.language import question_language
from answer.reader import load_reader
from answer.reader.answering import (
    closest_sentence,
    compose_read_answer,
    crosses_languages,
    reader_confidence,
)
from answer.result import Answer, abstaining
from corpus.filters import SearchFilters
from embedding.loader import model_identity
from index.search import EmptyLibrary, Searcher
from settings import Generator, Settings
from text.messages import number

MAX_QUESTION_CHARS = 2000


class Assistant:
    def __init__(self, settings: Settings, searcher: Searcher | None = None,
                 abstention: AbstentionModel | None = None, writer=None, reader=None,
                 calibration: dict | None = None, shaped: bool = True) -> None:
        """`calibration` replaces the reader artifact's rule and `shaped=False` quotes every kind of question
        as a fact (both only to compare with earlier rules: bench/answer_quality.py)."""
        self.settings = settings
        self.searcher = searcher or Searcher(settings)
        self.reader = reader if reader is not None else load_reader(settings)
        self.calibration = calibration if calibration is not None else \
            (self.reader.calibration if self.reader is not None else {})
        self._reader_rules: dict[str, Rule] = {}  # the reader's rule per question language, built once
        self.shaped = shaped
        self.abstention = abstention or load_abstention_model()
        self.rule = self.abstention.rule_for(model_identity(settings))
        if writer is None and settings.generator != Generator.EXTRACTIVE:
            from answer.generate import writer_from_settings
            writer = writer_from_settings(settings)
        self.writer = writer

    def ask(self, question: str, k: int | None = None, filters: SearchFilters | None = None,
            history: list[Turn] | None = None) -> Answer:
        question = question.strip()
        language = question_language(question)
        refusal = self._refusal(question, language)
        if refusal is not None:
            return refusal
        turn = next_turn(question, history or [])
        follow_up = turn.search_query if turn.search_query != question else None
        try:  # a follow-up is searched with its topic, whose language the search tells itself
            hits = self.searcher.search(turn.search_query, k, filters, language=None if follow_up else language)
        except EmptyLibrary:
            return abstaining(question, [], "empty_library", language, turn=turn)
        if not hits and filters is not None and not filters.is_empty:
            return abstaining(question, [], "no_filter_match", language, turn=turn)
        if self.reader is not None and hits:
            answer = self._read(question, hits, language, follow_up, turn)
        else:
            answer = self._heuristic(question, hits, language, follow_up, turn)
        if answer.abstained:
            return answer
        if self.writer is not None:
            from answer.generate import write_grounded
            answer = write_grounded(self.writer, answer)
        return answer

    def _read(self, question: str, hits, language: str, follow_up: str | None, turn: Turn) -> Answer:
        """Whether and what to answer from the reader's evidence (a follow-up is read with its topic)."""
        readings = self.reader.read(follow_up or question, [hit.passage.text for hit in hits])
        return self.decide(question, hits, readings, language, follow_up, turn)

    def decide(self, question: str, hits, readings, language: str, follow_up: str | None = None,
               turn: Turn | None = None) -> Answer:
        """The answer from the reader's readings of the hits: whether the library answers (the calibrated
        rule) and, if so, the answer shaped by the question; if not, the notice and the closest sentence."""
        crossing = crosses_languages(language, hits)
        rule = self.reader_rule(language)
        evidence = gather_evidence(question, hits, self._idf(), turn.search_query if follow_up and turn else "")
        confidence = reader_confidence(readings, hits, rule, evidence, crossing)
        common = dict(search_query=follow_up, confidence=confidence, turn=turn)
        if confidence < self._threshold(rule, crossing):
            return abstaining(question, hits, "no_support", language, read_by="reader",
                              unconfirmed=closest_sentence(question, hits, readings, language), **common)
        return replace(compose_read_answer(question, hits, readings, language, shaped=self.shaped), **common)

    def reader_rule(self, language: str) -> Rule:
        """The reader's rule for a question in `language` (answer/decision.py), built on first use."""
        if language not in self._reader_rules:
            self._reader_rules[language] = reader_rule(self.calibration, language)
        return self._reader_rules[language]

    def _heuristic(self, question: str, hits, language: str, follow_up: str | None, turn: Turn) -> Answer:
        """Whether and what to answer from lexical coverage and similarity (the reader off)."""
        idf = self._idf()
        context = turn.search_query if follow_up else ""
        confidence = self.rule.confidence(asdict(gather_evidence(question, hits, idf, context)))
        common = dict(search_query=follow_up, confidence=confidence, turn=turn)
        if not hits or confidence < self._threshold(self.rule):
            return abstaining(question, hits, "no_support" if hits else "nothing_found", language, **common)
        return replace(compose_answer(question, hits, idf, context=context, language=language), **common)

    def _threshold(self, rule: Rule, crossing: bool = False) -> float:
        """The confidence from which the library answers: the rule's, unless Settings.min_confidence is set."""
        return rule.threshold_for(crossing, override=self.settings.min_confidence)

    def _refusal(self, question: str, language: str) -> Answer | None:
        if not question:
            return abstaining(question, [], "empty_question", language)
        if len(question) > MAX_QUESTION_CHARS:
            return abstaining(question[:200] + " …", [], "too_long", language,
                              values={"length": number(len(question), language),
                                      "limit": number(MAX_QUESTION_CHARS, language)})
        if not any(character.isalnum() for character in question):
            return abstaining(question, [], "wordless", language)
        return None

    def _idf(self):
        published = self.searcher.published()
        if published is None:
            return lambda terms: np.ones(len(terms), dtype=np.float32)
        return published.keywords.idf
