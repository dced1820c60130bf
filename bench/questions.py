"""Questions the benchmarks ask of ../shared/corpus (the topic lives here, in benchmark data, not in code)."""

QUESTIONS = [
    "Varför är gamla it-system ett problem för myndigheterna?",
    "Vad gör Myndigheten för digital förvaltning?",
    "Hur ska den statliga it-driften samordnas?",
    "Vilka risker medför föråldrade system för informationssäkerheten?",
    "Hur är ett personnummer uppbyggt?",
    "Vad är ett tillitsramverk för svensk e-legitimation?",
    "Hur följer regeringen upp digitaliseringen av den offentliga förvaltningen?",
    "What does the government say about outdated IT systems?",
]
# questions the corpus does not answer (for the answer benchmark's abstention count)
UNANSWERABLE = [
    "Hur många älgar sköts i Jämtland förra hösten?",
    "Vilket lag vann damernas VM i fotboll 2019?",
]
