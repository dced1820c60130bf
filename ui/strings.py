"""Every word the app itself shows, in Swedish (default) and English. Document text never passes here."""
from __future__ import annotations

from answer.messages import localized

UI_LANGUAGES = {"sv": "Svenska", "en": "English"}

STRINGS: dict[str, dict[str, str]] = {
    "tagline": {"sv": "Frågor till forskningstexter och offentliga utredningar – varje påstående med källa, ned till sidan.",
                "en": "Questions to research texts and public inquiries – every claim with its source, down to the page."},
    "interface_language": {"sv": "Språk i gränssnittet", "en": "Interface language"},
    "log_in": {"sv": "Logga in", "en": "Log in"},
    "log_in_oidc": {"sv": "Logga in med organisationskonto", "en": "Log in with your organisation account"},
    "log_out": {"sv": "Logga ut", "en": "Log out"},
    "user_name": {"sv": "Användarnamn", "en": "User name"},
    "password": {"sv": "Lösenord", "en": "Password"},
    "login_failed": {"sv": "Fel användarnamn eller lösenord.", "en": "Wrong user name or password."},
    "logged_in_as": {"sv": "Inloggad som {name} ({role})", "en": "Logged in as {name} ({role})"},
    "not_allowed": {"sv": "Den här sidan är bara för bibliotekarier. Logga in med ett konto som har den rollen.",
                    "en": "This page is for librarians only. Log in with an account that has that role."},
    "page_chat": {"sv": "Fråga", "en": "Ask"},
    "page_catalogue": {"sv": "Katalog", "en": "Catalogue"},
    "page_review": {"sv": "Granskning", "en": "Review"},
    "page_upload": {"sv": "Lägg till dokument", "en": "Add documents"},
    "page_statistics": {"sv": "Statistik", "en": "Statistics"},
    "page_audit": {"sv": "Ändringslogg", "en": "Audit log"},
    "page_users": {"sv": "Användare", "en": "Users"},
    "section_reader": {"sv": "Källa", "en": "Källa"},
    "section_librarian": {"sv": "Bibliotekarie", "en": "Librarian"},
    "library": {"sv": "Biblioteket", "en": "The library"},
    "documents": {"sv": "Dokument", "en": "Documents"},
    "passages": {"sv": "Passager", "en": "Passages"},
    "new_conversation": {"sv": "Ny konversation", "en": "New conversation"},
    "filters": {"sv": "Avgränsa sökningen", "en": "Limit the search"},
    "filter_language": {"sv": "Språk", "en": "Language"},
    "filter_series": {"sv": "Dokumenttyp/serie", "en": "Document type/series"},
    "filter_tags": {"sv": "Taggar och samlingar", "en": "Tags and collections"},
    "filter_years": {"sv": "Utgivningsår", "en": "Year published"},
    "empty_library": {
        "sv": "Biblioteket är tomt. Lägg till dokument från kommandoraden, till exempel:\n\n"
              "`python -m ingest add mina_dokument/`\n\nStöds: PDF, text, Markdown, HTML och Word.",
        "en": "The library is empty. Add documents from the command line, for example:\n\n"
              "`python -m ingest add my_documents/`\n\nSupported: PDF, text, Markdown, HTML and Word."},
    "ask": {"sv": "Ställ en fråga om dokumenten …", "en": "Ask a question about the documents …"},
    "searching": {"sv": "Söker i biblioteket …", "en": "Searching the library …"},
    "loading_model": {"sv": "Läser in språkmodellen …", "en": "Loading the language model …"},
    "sources": {"sv": "Källor", "en": "Sources"},
    "related": {"sv": "Möjligen relaterade passager", "en": "Possibly related passages"},
    "not_cited": {"sv": "ej citerad", "en": "not cited"},
    "similarity": {"sv": "Likhet", "en": "Similarity"},
    "web_source": {"sv": "Webbkälla", "en": "Web source"},
    "download_document": {"sv": "Ladda ned dokumentet", "en": "Download the document"},
    "show_in_source": {"sv": "Visa i källan", "en": "Show in the source"},
    "show_page": {"sv": "Visa sidan {page} med stycket markerat", "en": "Show page {page} with the passage marked"},
    "page_caption": {"sv": "{file}, PDF-sida {page}. Det citerade stycket är markerat med gult och ett streck i marginalen.",
                     "en": "{file}, PDF page {page}. The quoted passage is marked in yellow with a bar in the margin."},
    "page_unmarked": {"sv": "Stycket kunde inte hittas exakt på sidans bild (texten kan vara uttagen annorlunda); "
                            "det står i sin helhet ovan.",
                      "en": "The passage could not be located exactly on the page image (the text may have been "
                            "extracted differently); it is shown in full above."},
    "context_heading": {"sv": "Stycket i sitt sammanhang", "en": "The passage in context"},
    "file_missing": {"sv": "Originalfilen saknas i biblioteket. Kör en integritetskontroll.",
                     "en": "The original file is missing from the library. Run an integrity check."},
    "page_failed": {"sv": "Sidan kunde inte visas: {error}", "en": "The page could not be shown: {error}"},
    "export_markdown": {"sv": "Exportera (Markdown)", "en": "Export (Markdown)"},
    "export_pdf": {"sv": "Exportera (PDF)", "en": "Export (PDF)"},
    "useful": {"sv": "Användbart", "en": "Useful"},
    "not_useful": {"sv": "Inte användbart", "en": "Not useful"},
    "feedback_thanks": {"sv": "Tack! Din bedömning är sparad.", "en": "Thank you! Your rating has been saved."},
    "feedback_question": {"sv": "Var svaret användbart?", "en": "Was the answer useful?"},
    "confidence": {"sv": "Stöd i biblioteket: {value:.0%}", "en": "Support in the library: {value:.0%}"},
    "written_by": {"sv": "Skrivet av språkmodellen {name}; varje mening är kontrollerad mot källan den hänvisar till.",
                   "en": "Written by the language model {name}; every sentence is checked against the source it cites."},
    "extractive": {"sv": "Meningarna är ordagranna citat ur källorna.",
                   "en": "The sentences are verbatim quotes from the sources."},
    "you": {"sv": "Du", "en": "You"},
    "short_answer": {"sv": "Svar", "en": "Answer"},
    "read_by_reader": {"sv": "Läsaren (en modell tränad på svenska frågor med och utan svar) valde meningarna; det markerade är svaret den hittade.",
                       "en": "The reader (a model trained on Swedish questions with and without answers) chose the sentences; the marked part is the answer it found."},
    "reader_off": {"sv": "Läsaren används bara med standardmodellen multilingual-e5-small; här väljs meningarna efter ordöverlapp med frågan.",
                   "en": "The reader is used only with the default model multilingual-e5-small; here the sentences are chosen by word overlap with the question."},
}


def t(key: str, language: str = "sv", **values: object) -> str:
    return localized(STRINGS, key, language, **values)
