"""What kind of answer a question asks for (answer/question_kind.py), in Swedish and English."""
from __future__ import annotations

import pytest

from answer.question_kind import question_kind

EXAMPLES = [
    ("Hur många kommuner svarade på enkäten?", "number"),
    ("How much money does the agency get?", "number"),
    ("När ska uppdraget redovisas?", "when"),
    ("By when must the report be submitted?", "when"),
    ("Varför behöver myndigheterna byta ut sina gamla system?", "why"),
    ("What is the purpose of the new council?", "why"),
    ("Vad menas med digital mognad?", "definition"),
    ("Vad är en e-legitimation?", "definition"),
    ("What does PRID stand for?", "definition"),
    ("Hur ska arbetet bedrivas?", "how"),
    ("How does the agency follow up the IT operations?", "how"),
    ("Vem ansvarar för samordningen?", "who"),
    ("Which agency leads the work?", "who"),
    ("Vilka uppgifter ingår i uppdraget?", "list"),
    ("What are the main tasks of the council?", "list"),
    ("Finns det någon tidsplan för införandet?", "yesno"),
    ("Does the assignment cover the municipalities?", "yesno"),
    ("Riksrevisionens slutsats om it-systemen?", "fact"),
]


@pytest.mark.parametrize(("question", "kind"), EXAMPLES)
def test_the_kind_of_a_question_is_read_from_its_opening(question, kind):
    assert question_kind(question) == kind
