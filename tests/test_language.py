from ingest.language import detect_language

SWEDISH = ("Regeringen instämmer i Riksrevisionens bedömning att föråldrade it-system påverkar "
           "myndigheternas verksamhetsutveckling och försvårar fortsatt digitalisering.")


def test_swedish_document():
    assert detect_language(SWEDISH) == "sv"


def test_short_swedish_mistaken_for_norwegian_stays_swedish():
    assert detect_language("Kommunen digitaliserar.", document_language="sv") == "sv"
    assert detect_language("Kommunen digitaliserar snabbt och säkert nu.") == "sv"


def test_other_languages_are_kept():
    assert detect_language("The government agrees that outdated IT systems hamper digitalisation.") == "en"
    assert detect_language("Regjeringen mener at gamle datasystemer må erstattes før de blir for dyre å "
                           "vedlikeholde, særlig i større etater.") in {"no", "da"}


def test_deterministic_and_short_text_inherits():
    assert {detect_language(SWEDISH) for _ in range(5)} == {"sv"}
    assert detect_language("Ok.", document_language="sv") == "sv"
