"""Numbered schema migrations. Append new ones, each registered where it is written (`@migration`, named
mNNN_what, numbered one after the last); never edit one that has shipped."""
from __future__ import annotations

import sqlite3
from typing import Callable

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = []  # in the order they run


def migration(step: Migration) -> Migration:
    """Register `step` as the next migration; its name must carry the next number."""
    number = int(step.__name__[1:4])
    if not step.__name__.startswith("m") or number != len(MIGRATIONS) + 1:
        raise ValueError(f"migration {step.__name__} is not number {len(MIGRATIONS) + 1:03d}")
    MIGRATIONS.append(step)
    return step


def run_script(db: sqlite3.Connection, script: str) -> None:
    """Run each statement inside the caller's transaction (executescript would commit it early)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"ofullständig SQL-sats i migrering: {statement.strip()[:60]}")


@migration
def m001_create_tables(db: sqlite3.Connection) -> None:
    run_script(db,
        """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            content_hash TEXT NOT NULL,
            source_path TEXT NOT NULL,
            stored_path TEXT NOT NULL,
            file_name TEXT NOT NULL,
            media_type TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            title TEXT,
            authority TEXT,
            series TEXT,
            published TEXT,
            identifier TEXT,
            source_url TEXT,
            language TEXT,
            page_count INTEGER,
            extractor TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'active',
            added_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            added_by TEXT
        );
        CREATE INDEX documents_hash ON documents(content_hash);
        CREATE INDEX documents_source ON documents(source_path);

        CREATE TABLE document_tags (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            tag TEXT NOT NULL,
            PRIMARY KEY (document_id, tag)
        );

        CREATE TABLE passages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            text TEXT NOT NULL,
            page_number INTEGER,
            page_label TEXT,
            char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL,
            language TEXT
        );
        CREATE INDEX passages_document ON passages(document_id, ordinal);

        CREATE TABLE embeddings (
            passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (passage_id, model)
        );

        CREATE TABLE ingest_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            user TEXT,
            arguments TEXT,
            status TEXT NOT NULL DEFAULT 'running'
        );

        CREATE TABLE ingest_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL REFERENCES ingest_runs(id),
            path TEXT NOT NULL,
            content_hash TEXT,
            outcome TEXT NOT NULL,
            message TEXT,
            document_id INTEGER,
            at TEXT NOT NULL
        );
        CREATE INDEX ingest_events_document ON ingest_events(document_id);
        """
    )


@migration
def m002_answer_feedback(db: sqlite3.Connection) -> None:
    """Officials' verdicts on answers, kept with what was asked and cited, for later evaluation."""
    run_script(db,
        """
        CREATE TABLE answer_feedback (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            session TEXT,
            user TEXT,
            useful INTEGER NOT NULL CHECK (useful IN (0, 1)),
            question TEXT NOT NULL,
            search_query TEXT,
            answer TEXT NOT NULL,
            abstained INTEGER NOT NULL,
            confidence REAL,
            written_by TEXT,
            cited_passage_ids TEXT NOT NULL,
            shown_passage_ids TEXT NOT NULL,
            comment TEXT
        );
        """
    )


@migration
def m003_curation(db: sqlite3.Connection) -> None:
    """The librarian's desk: more provenance, editions, collections (reviewed or restricted), near-duplicate
    signatures, a review queue, users with roles, and an audit log of every curation action.

    Document status: active (searchable), pending (waits for review), withdrawn (hidden, restorable),
    superseded (an earlier edition, kept)."""
    run_script(db,
        """
        ALTER TABLE documents ADD COLUMN edition TEXT;
        ALTER TABLE documents ADD COLUMN licence TEXT;
        ALTER TABLE documents ADD COLUMN replaces INTEGER REFERENCES documents(id) ON DELETE SET NULL;
        ALTER TABLE documents ADD COLUMN status_note TEXT;
        CREATE INDEX documents_status ON documents(status);

        CREATE TABLE collections (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            description TEXT,
            requires_review INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            created_by TEXT
        );
        -- a collection with rows here is restricted: only these roles or groups (and curators) see it
        CREATE TABLE collection_access (
            collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            principal TEXT NOT NULL,
            PRIMARY KEY (collection_id, principal)
        );
        CREATE TABLE document_collections (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            PRIMARY KEY (document_id, collection_id)
        );
        CREATE INDEX document_collections_collection ON document_collections(collection_id);

        CREATE TABLE document_signatures (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            minhash BLOB NOT NULL
        );

        CREATE TABLE review_items (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('pending', 'near_duplicate')),
            other_document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
            similarity REAL,
            status TEXT NOT NULL DEFAULT 'open',
            created_at TEXT NOT NULL,
            resolved_at TEXT,
            resolved_by TEXT,
            resolution TEXT
        );
        CREATE INDEX review_items_open ON review_items(status, kind);

        CREATE TABLE users (
            name TEXT PRIMARY KEY COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('reader', 'librarian', 'admin')),
            groups TEXT NOT NULL DEFAULT '',
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );

        -- no foreign key on document_id: the record outlives a deleted document
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            document_id INTEGER,
            subject TEXT,
            before TEXT,
            after TEXT
        );
        CREATE INDEX audit_log_document ON audit_log(document_id);
        """
    )


@migration
def m004_ocr(db: sqlite3.Connection) -> None:
    """Passages read by OCR are marked as such; scanned pages left unread (no OCR engine) are listed."""
    run_script(db,
        """
        ALTER TABLE passages ADD COLUMN ocr INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE documents ADD COLUMN pages_needing_ocr TEXT;
        """
    )


@migration
def m005_login_attempts(db: sqlite3.Connection) -> None:
    """Logins that cannot be guessed: every attempt recorded (per user name and per client, for rate
    limits), a count of failures in a row per account, and a lock an admin lifts."""
    run_script(db,
        """
        CREATE TABLE login_attempts (
            id INTEGER PRIMARY KEY,
            user_name TEXT NOT NULL COLLATE NOCASE,
            client TEXT NOT NULL,
            at TEXT NOT NULL,
            succeeded INTEGER NOT NULL
        );
        CREATE INDEX login_attempts_by_client ON login_attempts (client, at);
        CREATE INDEX login_attempts_by_user ON login_attempts (user_name, at);
        ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE users ADD COLUMN locked_at TEXT;
        """
    )


@migration
def m006_resolution_codes(db: sqlite3.Connection) -> None:
    """Review resolutions are stored as codes (shown translated), not as Swedish words."""
    for word, code in (("godkänd", "approved"), ("avvisad", "rejected"), ("båda behålls", "kept-both"),
                       ("dubblett tillbakadragen", "duplicate-withdrawn"), ("ny utgåva", "new-edition")):
        db.execute("UPDATE review_items SET resolution = ? WHERE resolution = ?", (code, word))


@migration
def m007_api_tokens(db: sqlite3.Connection) -> None:
    """API tokens: each acts as a registered user; only an argon2 hash of its secret is kept."""
    run_script(db,
        """
        CREATE TABLE api_tokens (
            id INTEGER PRIMARY KEY,
            user_name TEXT NOT NULL COLLATE NOCASE,
            label TEXT,
            secret_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            revoked_at TEXT,
            last_used_at TEXT
        );
        """
    )


@migration
def m008_conversations(db: sqlite3.Connection) -> None:
    """Each logged-in user's conversations (their questions and the answers as records), and answers shared
    by link."""
    run_script(db,
        """
        CREATE TABLE conversations (
            id INTEGER PRIMARY KEY,
            user_name TEXT NOT NULL COLLATE NOCASE,
            title TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX conversations_by_user ON conversations (user_name, updated_at);
        CREATE TABLE conversation_turns (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            question TEXT NOT NULL,
            answer TEXT NOT NULL,
            asked_at TEXT NOT NULL
        );
        CREATE TABLE shared_answers (
            token TEXT PRIMARY KEY,
            user_name TEXT NOT NULL,
            answer TEXT NOT NULL,
            shared_at TEXT NOT NULL
        );
        """
    )


@migration
def m009_share_link_expiry(db: sqlite3.Connection) -> None:
    """Shared answers expire (links made before this: 30 days after they were made) and can be revoked."""
    run_script(db,
        """
        ALTER TABLE shared_answers ADD COLUMN expires_at TEXT;
        ALTER TABLE shared_answers ADD COLUMN revoked_at TEXT;
        UPDATE shared_answers SET expires_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', shared_at, '+30 days');
        CREATE INDEX shared_answers_by_user ON shared_answers (user_name, shared_at);
        """
    )


@migration
def m010_ingest_event_notes(db: sqlite3.Connection) -> None:
    """Ingest events keep their notes as codes (JSON: each a message id and its values), put into the reader's
    language when shown; `message` stays for the events recorded before, as the Swedish text it was."""
    run_script(db,
        """
        ALTER TABLE ingest_events ADD COLUMN notes TEXT;
        """
    )
