"""The assistant's own words (never the documents'), in Swedish and English."""
from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "empty_question": {"sv": "Skriv en fråga.", "en": "Write a question."},
    "too_long": {
        "sv": "Frågan är för lång ({length} tecken). Korta den till högst {limit} tecken, gärna en fråga i taget.",
        "en": "The question is too long ({length} characters). Shorten it to at most {limit} characters, "
              "preferably one question at a time."},
    "wordless": {
        "sv": "Frågan innehåller inga ord. Skriv en fråga med ord, till exempel ”Varför är gamla it-system ett problem?”",
        "en": "The question contains no words. Write a question in words, for example "
              "“Why are old IT systems a problem?”"},
    "empty_library": {
        "sv": "Biblioteket är tomt. Lägg till dokument med: python -m ingest add SÖKVÄG",
        "en": "The library is empty. Add documents with: python -m ingest add PATH"},
    "no_filter_match": {
        "sv": "Inga dokument matchar de valda avgränsningarna. Ändra eller ta bort filtren.",
        "en": "No documents match the chosen filters. Change or remove the filters."},
    "nothing_found": {
        "sv": "Biblioteket innehåller inget som besvarar frågan.",
        "en": "The library contains nothing that answers the question."},
    "no_support": {
        "sv": "Biblioteket ger inget säkert svar på frågan. Passagerna nedan är möjligen relaterade; "
              "läs dem själv innan du drar slutsatser.",
        "en": "The library does not answer this question with confidence. The passages below are possibly "
              "related; read them yourself before drawing conclusions."},
    "kinds_differ": {
        "sv": "Källorna är av olika slag: {kinds}. Väg dem därefter, till exempel ett regeringsbeslut mot en debattartikel.",
        "en": "The sources are of different kinds: {kinds}. Weigh them accordingly, for example a government "
              "decision against an opinion piece."},
    "years_differ": {
        "sv": "Källorna är från olika år ({first}–{last}); den senaste är {latest}.",
        "en": "The sources are from different years ({first}–{last}); the most recent is {latest}."},
    "short_answer": {"sv": "Svar", "en": "Answer"},
    "answers_differ": {
        "sv": "Källorna svarar olika: {answers}. Kontrollera vilken som gäller.",
        "en": "The sources answer differently: {answers}. Check which one applies."},
    "follow_up": {
        "sv": "Tolkad som följdfråga: ”{query}”",
        "en": "Read as a follow-up: “{query}”"},
    "generator_fallback": {
        "sv": "Språkmodellen kunde inte användas ({reason}). Svaret är i stället sammanställt direkt ur passagerna.",
        "en": "The language model could not be used ({reason}). The answer is instead compiled directly "
              "from the passages."},
    "generator_pruned": {
        "sv": "{count} mening(ar) från språkmodellen togs bort eftersom de saknade giltig källhänvisning eller stöd i källan.",
        "en": "{count} sentence(s) from the language model were removed for lacking a valid citation or support "
              "in the source."},
}


def localized(table: dict[str, dict[str, str]], key: str, language: str, **values: object) -> str:
    """The text for `key` in `language` (Swedish where there is none), with `values` filled in."""
    texts = table[key]
    return texts.get(language, texts["sv"]).format(**values)


def message(key: str, language: str = "sv", **values: object) -> str:
    return localized(MESSAGES, key, language, **values)


def number(n: int, language: str = "sv") -> str:
    """Thousands grouped as each language writes them: 128 000 / 128,000."""
    grouped = f"{n:,}"
    return grouped.replace(",", " ") if language == "sv" else grouped
