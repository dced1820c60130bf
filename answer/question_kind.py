"""What kind of answer a question asks for, read from its opening words (Swedish and English): a fact (a
number, a name, a date, a yes or no) is answered with the reader's span, marked in its sentence, and a short
*Svar:* line; a why, how, list or definition question with the one to three sentences that answer it."""
from __future__ import annotations

import re

FACT_KINDS = ("fact", "number", "who", "when", "yesno")
EXPLANATION_KINDS = ("why", "how", "list", "definition")

_LEAD_IN = re.compile(r"^\s*(?:(?:och|men|så|and|but|so|also|också)\s+|(?:kan du|could you|can you|please)\s+"
                      r"(?:säga|berätta|tell me|explain|förklara)?\s*)", re.IGNORECASE)
# Tried in this order; the first that matches the question's opening decides.
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("number", r"hur (?:många|mycket|stor|stort|stora|lång|långt|långa|hög|högt|höga|ofta)\b|how (?:many|much|large|"
               r"big|high|often)\b|(?:vilket|vilka) (?:belopp|antal|summa)|what (?:amount|number|share|percentage|"
               r"proportion|sum)\b|hur stor (?:del|andel)"),
    ("when", r"när\b|sedan när|senast när|hur länge|vilket (?:år|datum)|vilken (?:dag|tidpunkt|månad)|when\b|by when|"
             r"until when|how long|what (?:year|date|day|time)\b|which (?:year|date)\b"),
    ("why", r"varför|av vilken (?:anledning|orsak)|vad (?:är|var) (?:skälet|skälen|anledningen|syftet|motivet|målet)|"
            r"vilket (?:är|var) syftet|i vilket syfte|vad (?:ska|skall) .{3,60} leda till|vad vill (?:man|regeringen) "
            r"uppnå|why\b|for what (?:reason|purpose)|what (?:is|was|are|were) the (?:main |primary |overall )?"
            r"(?:purpose|reason|reasons|aim|goal|motive|rationale)\b|what is .{3,60} (?:supposed|meant|intended) to "
            r"(?:achieve|contribute)"),
    ("definition", r"vad (?:menas|avses|betyder|innebär|står|räknas) |vad (?:är|var) (?:en |ett )?[\w-]+(?: [\w-]+)?"
                   r"(?: [\w-]+)?\s*\??$|vad (?:är|var) .{2,60} för (?:något|nåt)|vad (?:är|var) .{2,80} tänkt att vara|"
                   r"what is the difference between|"
                   r"what (?:is|are) (?:a |an |the )?[\w-]+(?: [\w-]+)?\s*\??$|what (?:does|do) .+ (?:mean|stand "
                   r"for)|what is meant by|define\b|definition of"),
    ("how", r"hur\b|på vilket sätt|how\b|in what way|vad gör\b|what (?:should|must|will|does|do|did) .+ do\b|"
            r"what is .{3,80} supposed to do|what (?:is|was) .{3,40}'s role"),
    ("who", r"vem\b|vems\b|vilken (?:myndighet|organisation|aktör|person|departement|minister|kommun|region)|"
            r"who\b|whom\b|whose\b|which (?:agency|authority|organisation|organization|body|ministry|minister|"
            r"person|company)\b"),
    ("list", r"vilka\b|vad ingår|vad (?:ska|skall) .+ (?:göra|redovisa|ta fram|analysera|kartlägga|titta på|"
             r"beskriva)|vad i .+ ska|vilka (?:är|var)|what (?:does|do|did|should|will) .+ (?:include|cover|"
             r"contain)\b|what kinds? of|"
             r"what (?:are|were) the\b|which\b|list\b|name the|what (?:tasks|measures|steps|parts|areas|"
             r"requirements|components|actions)"),
    ("yesno", r"(?:är|var|finns|fanns|kan|kunde|ska|skall|har|hade|får|fick|måste|behöver|gäller|blir|blev|bör|"
              r"innebär|omfattar|ingår)\s|(?:is|are|was|were|does|do|did|can|could|will|would|has|have|had|should|"
              r"must|may)\s"),
)
_COMPILED = tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _PATTERNS)


def question_kind(question: str) -> str:
    """One of FACT_KINDS or EXPLANATION_KINDS ("fact" where the opening says nothing more specific)."""
    opening = _LEAD_IN.sub("", question.strip())
    for kind, pattern in _COMPILED:
        if pattern.match(opening):
            return kind
    return "fact"


def wants_explanation(question: str) -> bool:
    return question_kind(question) in EXPLANATION_KINDS
