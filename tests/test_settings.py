"""Settings are checked when they are made: each mode is one of its enum's values, each number within its
range, and a bad KALLA_* variable is one clear error naming it (in Swedish and English), which the command
lines turn into their message and exit status 2, and the app into an error box, instead of a traceback."""
from __future__ import annotations

from dataclasses import fields, replace

import pytest
from click.testing import CliRunner

from desk.cli import cli as corpus_cli
from index.cli import cli as index_cli
from ingest.cli import cli as ingest_cli
from settings import (
    Fusion,
    Generator,
    Precision,
    ReaderMode,
    SampleMode,
    SearchMode,
    Settings,
    SettingsError,
)
from settings.checks import variable

MODES = [("KALLA_SEARCH_MODE", "search_mode", SearchMode), ("KALLA_FUSION", "fusion", Fusion),
         ("KALLA_READER", "reader", ReaderMode), ("KALLA_GENERATOR", "generator", Generator),
         ("KALLA_DTYPE", "dtype", Precision), ("KALLA_SAMPLE", "sample", SampleMode)]


@pytest.mark.parametrize("name, field, kind", MODES, ids=[m[0] for m in MODES])
def test_a_mode_setting_rejects_a_value_it_does_not_have_naming_the_variable(name, field, kind):
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({name: "bogus"})
    allowed = ", ".join(member.value for member in kind)
    assert str(raised.value) == f"Ogiltig inställning: {name} är 'bogus'; tillåtna värden är {allowed}"
    assert raised.value.text("en") == f"Invalid setting: {name} is 'bogus'; the allowed values are {allowed}"
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize("name, field, kind", MODES, ids=[m[0] for m in MODES])
def test_a_mode_setting_is_its_enum_member_and_equal_to_its_string(name, field, kind):
    last = list(kind)[-1]
    value = getattr(Settings.from_env({name: f" {last.value.upper()} "}), field)
    assert value is last and value == last.value and f"{value}" == last.value


@pytest.mark.parametrize("word, mode", [("av", SampleMode.OFF), ("nej", SampleMode.OFF), ("0", SampleMode.OFF),
                                        ("false", SampleMode.OFF), ("ja", SampleMode.ON), ("1", SampleMode.ON)])
def test_the_sample_setting_still_takes_yes_and_no_in_both_languages(word, mode):
    assert Settings.from_env({"KALLA_SAMPLE": word}).sample is mode


OUT_OF_RANGE = [
    ("KALLA_K", "0", "Ogiltig inställning: KALLA_K är 0; ange minst 1"),
    ("KALLA_CHUNK_CHARS", "-5", "Ogiltig inställning: KALLA_CHUNK_CHARS är -5; ange minst 1"),
    ("KALLA_CHUNK_OVERLAP_SENTENCES", "-1", "Ogiltig inställning: KALLA_CHUNK_OVERLAP_SENTENCES är -1; ange minst 0"),
    ("KALLA_BATCH_SIZE", "0", "Ogiltig inställning: KALLA_BATCH_SIZE är 0; ange minst 1"),
    ("KALLA_EXTRACT_MEMORY_MB", "0", "Ogiltig inställning: KALLA_EXTRACT_MEMORY_MB är 0; ange minst 1"),
    ("KALLA_APPROXIMATE_FROM", "-1", "Ogiltig inställning: KALLA_APPROXIMATE_FROM är -1; ange minst 0"),
    ("KALLA_KEYWORD_WEIGHT", "1.5",
     "Ogiltig inställning: KALLA_KEYWORD_WEIGHT är 1.5; ange ett tal från 0 till och med 1"),
    ("KALLA_CROSS_LANGUAGE_KEYWORD_WEIGHT", "-0.1",
     "Ogiltig inställning: KALLA_CROSS_LANGUAGE_KEYWORD_WEIGHT är -0.1; ange ett tal från 0 till och med 1"),
    ("KALLA_MIN_CONFIDENCE", "nan",
     "Ogiltig inställning: KALLA_MIN_CONFIDENCE är nan; ange ett tal från 0 till och med 1"),
    ("KALLA_NEAR_DUPLICATE_THRESHOLD", "2",
     "Ogiltig inställning: KALLA_NEAR_DUPLICATE_THRESHOLD är 2.0; ange ett tal från 0 till och med 1"),
    ("KALLA_GENERATOR_TIMEOUT", "0",
     "Ogiltig inställning: KALLA_GENERATOR_TIMEOUT är 0.0; ange ett tal större än 0"),
    ("KALLA_EXTRACT_TIMEOUT", "-3",
     "Ogiltig inställning: KALLA_EXTRACT_TIMEOUT är -3.0; ange ett tal större än 0"),
]


@pytest.mark.parametrize("name, raw, said", OUT_OF_RANGE, ids=[r[0] for r in OUT_OF_RANGE])
def test_a_number_out_of_its_range_is_refused_naming_the_variable(name, raw, said):
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({name: raw})
    assert str(raised.value) == said
    assert raised.value.text("en").startswith(f"Invalid setting: {name} is ")


def test_the_ends_of_a_range_are_allowed():
    env = {"KALLA_K": "1", "KALLA_KEYWORD_WEIGHT": "0", "KALLA_MIN_CONFIDENCE": "1", "KALLA_APPROXIMATE_FROM": "0",
           "KALLA_CHUNK_OVERLAP_SENTENCES": "0", "KALLA_GENERATOR_TIMEOUT": "0.5"}
    settings = Settings.from_env(env)
    assert (settings.k, settings.keyword_weight, settings.min_confidence, settings.generator_timeout) == (1, 0, 1, 0.5)


@pytest.mark.parametrize("name, raw, said", [
    ("KALLA_K", "fem", "Ogiltig inställning: KALLA_K är 'fem'; ange ett heltal"),
    ("KALLA_K", "2.5", "Ogiltig inställning: KALLA_K är '2.5'; ange ett heltal"),
    ("KALLA_KEYWORD_WEIGHT", "hälften", "Ogiltig inställning: KALLA_KEYWORD_WEIGHT är 'hälften'; ange ett tal"),
])
def test_a_number_that_is_no_number_is_refused_naming_the_variable(name, raw, said):
    with pytest.raises(SettingsError, match="^" + said.replace(".", r"\.") + "$"):
        Settings.from_env({name: raw})


def test_a_good_environment_round_trips(tmp_path):
    wanted = replace(Settings(), data_dir=tmp_path / "data", search_mode="bm25", fusion="rrf", reader="off",
                     generator="openai", generator_url="http://localhost:8000/v1", dtype="float32", sample="off",
                     k=7, keyword_weight=0.25, min_confidence=0.5, extract_timeout=12.5, batch_size=8, user="anna")
    env = {variable(field.name): str(getattr(wanted, field.name)) for field in fields(Settings)}
    assert Settings.from_env(env) == wanted
    assert Settings.from_env({}) == Settings()


def test_a_plain_string_in_replace_becomes_the_mode_and_a_bad_one_fails_at_once():
    settings = replace(Settings(), search_mode="dense", fusion="rrf", generator="llama-cpp")
    assert settings.search_mode is SearchMode.DENSE and settings.search_mode == "dense"
    assert (settings.fusion, settings.generator) == (Fusion.RRF, Generator.LLAMA_CPP)
    with pytest.raises(SettingsError, match="KALLA_FUSION"):
        replace(settings, fusion="rrff")
    with pytest.raises(SettingsError, match="KALLA_K är 0"):
        Settings(k=0)
    with pytest.raises(SettingsError, match="KALLA_KEYWORD_WEIGHT är '0.5'"):
        replace(settings, keyword_weight="0.5")  # a number, not its text


@pytest.mark.parametrize("cli", [ingest_cli, index_cli, corpus_cli], ids=["ingest", "index", "corpus"])
def test_the_command_lines_stop_at_a_bad_setting_with_its_message_and_status_2(cli, monkeypatch):
    monkeypatch.setenv("KALLA_FUSION", "bogus")
    command = {ingest_cli: ["add", "."], index_cli: ["search", "fråga"], corpus_cli: ["list"]}[cli]
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 2, result.output
    assert "Ogiltig inställning: KALLA_FUSION är 'bogus'; tillåtna värden är weighted, rrf" in result.output
    assert "Traceback" not in result.output


def test_the_app_shows_a_bad_setting_in_an_error_box(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from app_session import APP

    monkeypatch.setenv("KALLA_SEARCH_MODE", "semantic")
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert [e.value for e in app.error] == ["Ogiltig inställning: KALLA_SEARCH_MODE är 'semantic'; "
                                           "tillåtna värden är hybrid, dense, bm25"]
