"""What the benchmark scripts share: the corpus they run on, and how a result is printed and kept."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from settings import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "bench" / "results"


def percentile(values: list[float], share: float) -> float:
    """The value `share` of the way up the sorted values (0.5: the median's neighbour, 0.95: p95)."""
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))]


def resident_mb(field: str = "VmRSS") -> float:
    """This process's resident memory in MB (`VmHWM`: its peak so far)."""
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def corpus_argument() -> Path:
    """The corpus folder named on the command line, else ../shared/corpus; exits if it is missing."""
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_ROOT.parent / "shared" / "corpus"
    if not corpus.is_dir():
        sys.exit(f"{corpus} finns inte")
    return corpus


def publish_result(result: dict, name: str) -> Path:
    """Print the figures one per line and write them to bench/results/<name>.json."""
    width = max(map(len, result))
    for key, value in result.items():
        print(f"{key:>{width}}: {value}")
    out = RESULTS / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"skrev {out}")
    return out
