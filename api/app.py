"""The HTTP API: `make api` (or `python -m api`), OpenAPI documentation at /docs.

Every request carries `Authorization: Bearer kalla_…` (a token from `python -m corpus token add USER`);
the token acts as its user, whose role and groups are read from the catalogue at each request, so
restricted collections are filtered exactly as in the app. The token and the body's size are checked
before any body is read (api.guard: 401, 429 after repeated failures, 413). Bad input gets a 4xx JSON
answer ({"detail": …}, in English where Accept-Language prefers it over Swedish); library errors are
mapped to their status codes, never a 500, and never with the server's paths. Every endpoint is a plain
`def`, run in FastAPI's thread pool, so no request waits on another's blocking work; an upload while
another ingest writes is refused at once (409)."""

import functools
import logging
import tempfile
import threading
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, File, Form, Header, Query, Request, UploadFile
from fastapi import Path as PathParameter
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field

from answer.assistant import Assistant
from answer.conversation import turns_for
from answer.records import answer_record, document_record, hit_record
from api.docs import add_documentation
from api.guard import MAX_BODY_BYTES, MAX_UPLOAD_BYTES, VIEWER, Gate, Guard, Unauthenticated
from corpus.access import Viewer
from corpus.catalogue import Catalogue
from corpus.collections import UnknownCollection
from corpus.dates import checked_date
from corpus.filters import SearchFilters
from corpus.library import Library
from corpus.lock import LibraryBusy
from corpus.records import DocumentMetadata
from corpus.users import NotAllowed
from desk.curation import CurationError, Curator
from desk.links import Links
from embedding.loader import ModelNotPrepared
from index.manifest import IndexMismatch
from index.search import EmptyLibrary
from index.store import DamagedIndex
from ingest.pipeline import Ingester, shown_name, stage_uploads
from settings import Settings
from text.messages import message, preferred_language
from text.problems import Problem, Term

MAX_TEXT = 2000
LOG = logging.getLogger("kalla.api")


DocumentId = Annotated[int, PathParameter(ge=1, le=2**63 - 1, description="The catalogue's document id")]


class Filters(BaseModel):
    languages: list[Annotated[str, Field(max_length=20)]] = Field(default=[], max_length=20)
    series: list[Annotated[str, Field(max_length=200)]] = Field(default=[], max_length=50)
    tags: list[Annotated[str, Field(max_length=200)]] = Field(default=[], max_length=50)
    published_from: str | None = Field(default=None, max_length=10, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    published_to: str | None = Field(default=None, max_length=10, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")


class Question(BaseModel):
    question: str = Field(max_length=20_000, description="The question; over 2,000 characters gets an explanation.")
    filters: Filters = Filters()
    history: list[Annotated[str, Field(max_length=MAX_TEXT)]] = Field(
        default=[], max_length=50, description="The conversation's earlier questions, oldest first.")
    k: int | None = Field(default=None, ge=1, le=50)


class Reason(BaseModel):
    reason: str = Field(default="", max_length=MAX_TEXT)


class NotFound(Problem, LookupError):
    """No such document for this user (or its original file is gone)."""


STATUS_FOR = ((Unauthenticated, 401), (NotAllowed, 403), (CurationError, 400), (UnknownCollection, 404),
              (EmptyLibrary, 404), (LookupError, 404), (ValueError, 400))
# The server's own troubles: a message of ours (in the client's language, without the server's paths);
# the full text goes to the server's log.
OWN_WORDS = {DamagedIndex: (503, "api_index_damaged"), IndexMismatch: (503, "api_index_mismatch"),
             ModelNotPrepared: (503, "api_model_not_prepared"), LibraryBusy: (409, "api_library_busy")}


def create_app(settings: Settings | None = None, max_body: int = MAX_BODY_BYTES,
               max_upload: int = MAX_UPLOAD_BYTES) -> FastAPI:
    settings = settings or Settings.from_env()
    app = FastAPI(title="Källa", version="0.2.0", docs_url=None, redoc_url=None,
                  description=message("api_description"))
    app.add_middleware(Guard, gate=Gate(settings), max_body=max_body, max_upload=max_upload)
    add_documentation(app)
    built: list[Assistant] = []
    building = threading.Lock()

    def assistant() -> Assistant:
        """The one assistant (model and index) of this server, built by the first request that needs it
        while any others wait for it."""
        if not built:
            with building:
                if not built:
                    built.append(Assistant(settings))
        return built[0]

    for error, status in STATUS_FOR:
        app.add_exception_handler(error, functools.partial(_as_json, status=status))
    for error in OWN_WORDS:
        app.add_exception_handler(error, _in_own_words)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": [{"location": list(e["loc"]), "problem": e["msg"]} for e in exc.errors()]},
                            status_code=422)

    def viewer(request: Request,
               authorization: Annotated[str | None, Header(description="Bearer kalla_…")] = None) -> Viewer:
        """The token's user as the catalogue had them when the request came (api.guard checked the token)."""
        who = request.scope.get(VIEWER)
        if who is None:
            raise Unauthenticated("api_token_missing")
        return who

    Asker = Annotated[Viewer, Depends(viewer)]

    def librarian(who: Asker) -> Viewer:
        if not who.holds("librarian"):
            raise NotAllowed("not_allowed_role", name=who.name, role=Term("role_" + who.role), wanted=Term("role_librarian"))
        return who

    Librarian = Annotated[Viewer, Depends(librarian)]

    @app.get("/health", summary="Is the service up")
    def health() -> dict:
        return {"status": "ok"}

    @app.post("/ask", summary="Ask the library a question: the answer record the app shows")
    def ask(body: Question, who: Asker) -> dict:
        filters = SearchFilters(languages=tuple(body.filters.languages), series=tuple(body.filters.series),
                                tags=tuple(body.filters.tags), published_from=body.filters.published_from,
                                published_to=body.filters.published_to, viewer=who)
        answer = assistant().ask(body.question, k=body.k, filters=filters, history=turns_for(body.history))
        return answer_record(answer)

    @app.get("/search", summary="The passages a question finds, best first")
    def search(who: Asker, q: Annotated[str, Query(min_length=1, max_length=MAX_TEXT)],
               k: Annotated[int, Query(ge=1, le=50)] = 10, language: str = "sv") -> dict:
        hits = assistant().searcher.search(q, k, SearchFilters(viewer=who))
        return {"query": q, "hits": [hit_record(hit, language) for hit in hits]}

    @app.get("/documents/{document_id}", summary="A document's catalogue record")
    def document(document_id: DocumentId, who: Asker) -> dict:
        return document_record(_visible(settings, document_id, who))

    @app.get("/documents/{document_id}/file", summary="The document's original file")
    def original(document_id: DocumentId, who: Asker) -> FileResponse:
        document = _visible(settings, document_id, who)
        path = Library(settings.library_dir).path(document.stored_path)
        if not path.is_file():
            raise NotFound("api_original_missing", id=document_id)
        return FileResponse(path, filename=document.file_name)

    @app.post("/documents", summary="Add files (librarian): the same ingest as `python -m ingest add`")
    def upload(who: Librarian, files: Annotated[list[UploadFile], File()],
               series: Annotated[str | None, Form(max_length=200)] = None,
               authority: Annotated[str | None, Form(max_length=500)] = None,
               published: Annotated[str | None, Form(max_length=10)] = None,
               collection: Annotated[str | None, Form(max_length=200)] = None,
               accept_language: Annotated[str | None, Header()] = None) -> dict:
        language = preferred_language(accept_language)
        metadata = DocumentMetadata(series=series or None, authority=authority or None,
                                    published=checked_date(published))
        if collection:
            with Catalogue(settings.catalogue_path) as catalogue:
                catalogue.collections.check_may_add(who, collection)
        with tempfile.TemporaryDirectory() as folder:
            staged = stage_uploads(Path(folder), ((item.filename or message("upload_file_fallback", language), item.file) for item in files))
            report = Ingester(_acting(settings, who), assistant().searcher.embedder).add(
                list(staged), metadata, collection=collection or None, arguments=f"api upload by {who.name}",
                sources=staged, wait=False)
        return {"summary": report.summary(language), "outcomes": [
            {"file": shown_name(o.path), "outcome": o.outcome, "document_id": o.document_id, "message": o.text(language),
             "passages": o.passages, "needs_review": o.needs_review} for o in report.outcomes]}

    @app.post("/documents/{document_id}/withdraw", summary="Withdraw a document (librarian)")
    def withdraw(document_id: DocumentId, body: Reason, who: Librarian) -> dict:
        return document_record(Curator(_acting(settings, who), who.name).withdraw(document_id, body.reason))

    @app.post("/documents/{document_id}/restore", summary="Restore a withdrawn document (librarian)")
    def restore(document_id: DocumentId, who: Librarian) -> dict:
        return document_record(Curator(_acting(settings, who), who.name).restore(document_id))

    @app.post("/documents/{document_id}/approve", summary="Approve a pending document (librarian)")
    def approve(document_id: DocumentId, who: Librarian) -> dict:
        return document_record(Curator(_acting(settings, who), who.name).approve(document_id))

    @app.post("/documents/{document_id}/reject", summary="Reject a pending document (librarian)")
    def reject(document_id: DocumentId, body: Reason, who: Librarian) -> dict:
        return document_record(Curator(_acting(settings, who), who.name).reject(document_id, body.reason))

    @app.get("/links", summary="Your links to shared answers (an admin: everyone's with all=true)")
    def links(who: Asker, everyone: Annotated[bool, Query(alias="all")] = False) -> dict:
        return {"links": [_link_record(link) for link in Links(settings, who).list(everyone)]}

    @app.post("/links/{link_id}/revoke", summary="Revoke a link to a shared answer (its owner, or an admin)")
    def revoke_link(link_id: Annotated[int, PathParameter(ge=1, le=2**63 - 1)], who: Asker) -> dict:
        return _link_record(Links(settings, who).revoke(link_id))

    return app


async def _as_json(request: Request, exc: Exception, status: int) -> JSONResponse:
    """The error as {"detail": …}, in the client's language (Accept-Language: sv or en) where it is one of
    Källa's own messages; a 401 names the scheme it wants."""
    language = preferred_language(request.headers.get("accept-language"))
    detail = exc.text(language) if isinstance(exc, Problem) else str(exc)
    if getattr(exc, "code", None) in ("document_missing", "share_link_missing"):
        status = 404  # an action on a document or link that does not exist
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


async def _in_own_words(request: Request, exc: Exception) -> JSONResponse:
    """The server's trouble in our own words; what it was (paths included) only in the server's log."""
    status, key = next(value for error, value in OWN_WORDS.items() if isinstance(exc, error))
    (LOG.error if status >= 500 else LOG.info)("%s: %s", type(exc).__name__, exc)
    language = preferred_language(request.headers.get("accept-language"))
    return JSONResponse({"detail": message(key, language)}, status_code=status)


def _link_record(link) -> dict:
    return {"id": link.id, "user": link.user_name, "question": link.question, "shared_at": link.shared_at,
            "expires_at": link.expires_at, "revoked_at": link.revoked_at, "active": link.active}


def _visible(settings: Settings, document_id: int, who: Viewer):
    """The document if it exists and this user may see it: readers see published documents outside
    restricted collections they lack; librarians see every document (a 404 either way, never a hint)."""
    with Catalogue(settings.catalogue_path) as catalogue:
        document = catalogue.readable_document(document_id, who)
    if document is None:
        raise NotFound("document_missing", id=document_id)
    return document


def _acting(settings: Settings, who: Viewer) -> Settings:
    from dataclasses import replace

    return replace(settings, user=who.name)
