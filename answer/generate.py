"""Optional: answers written by a language model, held to the same grounding as the extractive ones.

Only the retrieved passages go into the prompt, numbered as the sources are numbered on screen. Every
sentence that comes back must cite one of those numbers and share most of its content words with the
passage it cites; sentences that do not are removed (and the user told how many). Any failure (server
down, timeout, unusable output) falls back to the extractive answer, with a notice.

Backends: an OpenAI-compatible chat endpoint (KALLA_GENERATOR=openai, KALLA_GENERATOR_URL,
KALLA_GENERATOR_MODEL, KALLA_GENERATOR_API_KEY) or a local GGUF model through llama-cpp-python
(KALLA_GENERATOR=llama-cpp, KALLA_GENERATOR_MODEL_PATH; `pip install llama-cpp-python`).
"""
from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from dataclasses import replace
from typing import Protocol

from answer.evidence import sentences
from answer.result import Answer, AnswerSentence, source_notes
from corpus.citation import citation_line
from settings import Generator, Settings
from text.analysis import default_analyzer
from text.problems import Phrase, Problem, said

CITATION = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
MIN_SUPPORT = 0.5      # share of a sentence's terms that must occur in the passage it cites
MAX_ANSWER_TOKENS = 400
NO_ANSWER = "INGET SVAR"

INSTRUCTIONS = {
    "sv": ("Du är en noggrann utredare. Besvara frågan på svenska med högst fyra korta meningar, och använd "
           "ENDAST de numrerade passagerna. Avsluta varje mening med källans nummer i hakparentes, till exempel "
           f"[2]. Hitta aldrig på fakta eller källnummer. Om passagerna inte besvarar frågan, svara exakt: {NO_ANSWER}"),
    "en": ("You are a careful analyst. Answer the question in English in at most four short sentences, using "
           "ONLY the numbered passages. End every sentence with the source number in square brackets, for "
           f"example [2]. Never invent facts or source numbers. If the passages do not answer, reply exactly: {NO_ANSWER}"),
}


class GeneratorFailed(Problem, RuntimeError):
    """The language model could not give a usable answer; the reason is shown to the user."""


class Writer(Protocol):
    name: str

    def complete(self, system: str, user: str) -> str: ...


class OpenAICompatibleWriter:
    """POST {url}/chat/completions, as served by vLLM, llama.cpp's server, Ollama, LM Studio and others."""

    def __init__(self, url: str, model: str, api_key: str = "", timeout: float = 60.0) -> None:
        if not url:
            raise GeneratorFailed("generator_no_url")
        self.url = url.rstrip("/") + "/chat/completions"
        self.model, self.api_key, self.timeout = model, api_key, timeout
        self.name = f"openai:{model or 'default'}"

    def complete(self, system: str, user: str) -> str:
        body = json.dumps({"model": self.model, "temperature": 0, "max_tokens": MAX_ANSWER_TOKENS,
                           "messages": [{"role": "system", "content": system},
                                        {"role": "user", "content": user}]}).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                reply = json.loads(response.read().decode("utf-8"))
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise GeneratorFailed("generator_no_reply", reason=str(getattr(exc, "reason", exc))) from exc
        except ValueError as exc:
            raise GeneratorFailed("generator_not_json") from exc
        try:
            return str(reply["choices"][0]["message"]["content"])
        except (KeyError, IndexError, TypeError) as exc:
            raise GeneratorFailed("generator_odd_reply") from exc


class LlamaCppWriter:
    """A local GGUF model through llama-cpp-python, loaded once."""

    def __init__(self, model_path: str) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise GeneratorFailed("generator_no_llama_cpp") from exc
        if not model_path or not os.path.isfile(model_path):
            raise GeneratorFailed("generator_no_gguf", path=model_path) if model_path else GeneratorFailed(
                "generator_no_gguf_setting")
        self.model = Llama(model_path=model_path, n_ctx=4096, n_threads=os.cpu_count() or 2, verbose=False)
        self.name = f"llama-cpp:{os.path.basename(model_path)}"

    def complete(self, system: str, user: str) -> str:
        reply = self.model.create_chat_completion(
            messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
            temperature=0, max_tokens=MAX_ANSWER_TOKENS)
        return str(reply["choices"][0]["message"]["content"])


def writer_from_settings(settings: Settings) -> Writer | None:
    """The language model that writes answers; None for extractive answers (the settings allow no other)."""
    if settings.generator == Generator.OPENAI:
        return OpenAICompatibleWriter(settings.generator_url, settings.generator_model,
                                      settings.generator_api_key, settings.generator_timeout)
    if settings.generator == Generator.LLAMA_CPP:
        return LlamaCppWriter(settings.generator_model_path)
    return None


def prompt(answer: Answer) -> tuple[str, str]:
    passages = "\n\n".join(f"[{hit.rank}] ({citation_line(hit.document, hit.passage)})\n{hit.passage.text}"
                           for hit in answer.hits)
    question = answer.question if not answer.search_query else answer.search_query
    label = "Fråga" if answer.language == "sv" else "Question"
    return INSTRUCTIONS.get(answer.language, INSTRUCTIONS["sv"]), f"{passages}\n\n{label}: {question}"


def grounded_sentences(text: str, answer: Answer) -> tuple[list[AnswerSentence], int]:
    """The sentences of a model's reply that cite a given passage and are supported by it; and how many
    sentences were removed."""
    analyzer = default_analyzer()
    passages = {hit.rank: set(analyzer.terms(hit.passage.text)) for hit in answer.hits}
    kept, removed = [], 0
    for sentence in sentences(text):
        cited = [int(n) for group in CITATION.findall(sentence) for n in re.split(r"\s*[,;]\s*", group)]
        plain = CITATION.sub("", sentence).strip()
        plain = re.sub(r"\s+([.,;:!?])", r"\1", plain)
        if not plain:
            continue
        terms = set(analyzer.terms(plain))
        support = {n: len(terms & passages[n]) / max(len(terms), 1) for n in cited if n in passages}
        if not support or max(support.values()) < MIN_SUPPORT:
            removed += 1
            continue
        kept.append(AnswerSentence(plain, max(support, key=support.get), verbatim=False))
    return kept, removed


def write_grounded(writer: Writer, answer: Answer) -> Answer:
    """The model's answer where it holds up, else the extractive `answer` with a notice saying why."""
    def fallback(reason: Phrase | str) -> Answer:
        return replace(answer, notice=said("generator_fallback", reason=reason))

    try:
        system, user = prompt(answer)
        reply = writer.complete(system, user)
    except GeneratorFailed as exc:
        return fallback(exc.phrase)
    except Exception as exc:  # a model or server failing in any way must not break the chat
        return fallback(f"{type(exc).__name__}: {exc}")
    if NO_ANSWER in reply.upper():
        return fallback(said("generator_found_nothing"))
    sentences, removed = grounded_sentences(reply, answer)
    if not sentences:
        return fallback(said("generator_no_cited_sentence"))
    cited = {s.source for s in sentences}
    notice = said("generator_pruned", count=removed) if removed else None
    return replace(answer, sentences=sentences, cited=cited, written_by=writer.name, notice=notice,
                   notes=source_notes([h for h in answer.hits if h.rank in cited]))
