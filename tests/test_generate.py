"""The optional language-model backend, against a real HTTP server speaking the OpenAI chat protocol
(on localhost, scripted replies): grounding keeps only supported, validly cited sentences, and every
failure falls back to the extractive answer with a notice."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from answer.assistant import Assistant
from answer.generate import GeneratorFailed, LlamaCppWriter, OpenAICompatibleWriter
from helpers import SWEDISH_PAGES, make_pdf
from ingest.pipeline import Ingester
from settings import Settings


class ChatServer:
    """A chat-completions endpoint whose next reply (status, content, delay) the test decides."""

    def __init__(self) -> None:
        self.reply = (200, "")
        self.delay = 0.0
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
                time.sleep(server.delay)
                status, content = server.reply
                payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]})
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(payload.encode() if status == 200 else b"upstream error")

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()


@pytest.fixture
def server():
    chat = ChatServer()
    yield chat
    chat.close()


@pytest.fixture
def library(hashing_env, tmp_path):
    make_pdf(tmp_path / "rapport.pdf", SWEDISH_PAGES)
    Ingester(Settings.from_env()).add([tmp_path / "rapport.pdf"])
    return Settings.from_env()


QUESTION = "Varför är föråldrade it-system dyra att underhålla?"


def assistant_for(library: Settings, server: ChatServer, timeout: float = 5.0) -> Assistant:
    settings = replace(library, generator="openai", generator_url=server.url, generator_model="test-model",
                       generator_api_key="hemlig", generator_timeout=timeout)
    return Assistant(settings)


def test_supported_cited_sentences_are_kept_and_the_rest_removed(library, server):
    extractive = Assistant(library).ask(QUESTION)
    source = extractive.hits[0].rank
    server.reply = (200, f"Många myndigheter har föråldrade it-system som är dyra att underhålla [{source}]. "
                         "Systemen kostar tio miljarder om året [9]. "
                         "Enligt forskare på Mars är allt bra. "
                         f"Kaffe och bullar serveras varje fredag i fikarummet [{source}].")
    answer = assistant_for(library, server).ask(QUESTION)
    assert answer.written_by == "openai:test-model"
    assert [s.text for s in answer.sentences] == ["Många myndigheter har föråldrade it-system som är dyra att underhålla."]
    assert answer.sentences[0].source == source and not answer.sentences[0].verbatim
    assert "3 mening" in answer.notice_text
    request = server.requests[0]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer hemlig"
    prompt = request["body"]["messages"][1]["content"]
    assert f"[{source}]" in prompt and extractive.hits[0].passage.text in prompt  # only retrieved passages go in


@pytest.mark.parametrize("failure", ["server error", "timeout", "no citations", "no answer", "server down"])
def test_any_failure_falls_back_to_the_extractive_answer(library, server, failure):
    extractive = Assistant(library).ask(QUESTION)
    if failure == "server error":
        server.reply = (500, "")
    elif failure == "timeout":
        server.delay, server.reply = 3.0, (200, "För sent [1].")
    elif failure == "no citations":
        server.reply = (200, "Det är dyrt. Mycket dyrt.")
    elif failure == "no answer":
        server.reply = (200, "INGET SVAR")
    assistant = assistant_for(library, server, timeout=1.0)
    if failure == "server down":
        server.close()
    answer = assistant.ask(QUESTION)
    assert answer.written_by == "extractive"
    assert [s.text for s in answer.sentences] == [s.text for s in extractive.sentences]
    assert answer.notice and "Språkmodellen kunde inte användas" in answer.notice_text


def test_abstention_is_decided_before_the_model_is_asked(library, server):
    server.reply = (200, "Tre tusen älgar [1].")
    answer = assistant_for(library, server).ask("Hur många älgar sköts i Jämtland förra hösten?")
    assert answer.abstained and not server.requests


def test_missing_settings_are_clear_errors():
    with pytest.raises(GeneratorFailed, match="KALLA_GENERATOR_URL"):
        OpenAICompatibleWriter("", "m")
    with pytest.raises(GeneratorFailed):
        LlamaCppWriter("/finns/inte.gguf")
