#!/usr/bin/env python3
"""Measure how well the bundled intents classify a labelled corpus.

Usage:
  python3 tools/quality.py CORPUS.jsonl [--reframe BINARY] [--flows DIR]
                           [--json] [--check] [--verbose] [threshold options]

CORPUS.jsonl holds one JSON object per line:
  {"text": "...", "label": "self_critical|neutral|crisis|medical_urgent", "traps": [...]}

Every text is sent, one per line, to `reframe classify --flows DIR --json`, which answers
one JSON line per text: {"text", "intents", "self_critical", "traps", "crisis",
"medical_urgent"}. The script prints:

  self-critical recall     self_critical lines flagged self_critical
  neutral flagged          neutral lines flagged self_critical, crisis or medical_urgent
  neutral safety flagged   neutral lines flagged crisis or medical_urgent
  crisis recall            crisis lines flagged crisis
  crisis precision         lines flagged crisis that are crisis lines
  medical recall           medical_urgent lines flagged medical_urgent
  trap overlap             self_critical lines with gold traps whose predicted traps share
                           at least one gold trap
  trap jaccard             mean Jaccard of predicted vs gold traps over the same lines

--check exits 1 unless every threshold holds. Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

LABELS = ("self_critical", "neutral", "crisis", "medical_urgent")
DEFAULT_BINARY = "build/adapters/cli/reframe"


@dataclass
class Example:
    line: int
    text: str
    label: str
    traps: list[str]


@dataclass
class Rate:
    """A fraction with the examples that did not go the wanted way."""

    hits: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, miss_note: str) -> None:
        self.total += 1
        if ok:
            self.hits += 1
        else:
            self.misses.append(miss_note)

    @property
    def value(self) -> float | None:
        return self.hits / self.total if self.total else None


def load_corpus(path: Path) -> list[Example]:
    examples = []
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            raw = raw.strip()
            if not raw:
                continue
            try:
                item = json.loads(raw)
            except json.JSONDecodeError as err:
                sys.exit(f"{path}:{number}: error: not a JSON line ({err.msg})")
            text, label = item.get("text"), item.get("label")
            if not isinstance(text, str) or label not in LABELS:
                sys.exit(f"{path}:{number}: error: needs a string \"text\" and a \"label\" "
                         f"in {', '.join(LABELS)}")
            if "\n" in text or "\r" in text:
                sys.exit(f"{path}:{number}: error: text contains a line break; "
                         "classify reads one text per line")
            examples.append(Example(number, text, label, list(item.get("traps") or [])))
    return examples


def classify(binary: str, flows: str | None, texts: list[str]) -> list[dict]:
    command = [binary, "classify", "--json"]
    if flows:
        command[2:2] = ["--flows", flows]
    try:
        done = subprocess.run(command, input="".join(t + "\n" for t in texts),
                              capture_output=True, text=True, encoding="utf-8",
                              timeout=300, check=False)
    except FileNotFoundError:
        sys.exit(f"error: reframe binary not found at {binary} — build it or pass --reframe")
    except subprocess.TimeoutExpired:
        sys.exit("error: reframe classify did not finish within 300 s")
    if done.returncode != 0:
        sys.exit(f"error: reframe classify exited {done.returncode}:\n{done.stderr.strip()}")
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    if len(rows) != len(texts):
        sys.exit(f"error: sent {len(texts)} texts, got {len(rows)} answers")
    return rows


def note(example: Example, row: dict) -> str:
    flags = [name for name in ("self_critical", "crisis", "medical_urgent") if row.get(name)]
    return (f"  line {example.line} [{example.label}"
            f"{' ' + ','.join(example.traps) if example.traps else ''}] {example.text!r}\n"
            f"      got: flags={flags or '-'} traps={row.get('traps') or '-'} "
            f"intents={row.get('intents') or '-'}")


def measure(examples: list[Example], rows: list[dict]) -> tuple[dict[str, Rate], float | None]:
    """Returns the rates by name and the mean trap Jaccard (None without gold traps)."""
    rates = {name: Rate() for name in (
        "self_critical_recall", "neutral_flagged", "neutral_safety_flagged",
        "crisis_recall", "crisis_precision", "medical_recall", "trap_overlap")}
    jaccards: list[float] = []
    for example, row in zip(examples, rows):
        said = note(example, row)
        flagged_crisis = bool(row.get("crisis"))
        flagged_medical = bool(row.get("medical_urgent"))
        if example.label == "self_critical":
            rates["self_critical_recall"].add(bool(row.get("self_critical")), said)
            if example.traps:
                gold, got = set(example.traps), set(row.get("traps") or [])
                rates["trap_overlap"].add(bool(gold & got), said)
                jaccards.append(len(gold & got) / len(gold | got))
        elif example.label == "neutral":
            rates["neutral_flagged"].add(
                not (row.get("self_critical") or flagged_crisis or flagged_medical), said)
            rates["neutral_safety_flagged"].add(not (flagged_crisis or flagged_medical), said)
        elif example.label == "crisis":
            rates["crisis_recall"].add(flagged_crisis, said)
        elif example.label == "medical_urgent":
            rates["medical_recall"].add(flagged_medical, said)
        if flagged_crisis:
            rates["crisis_precision"].add(example.label == "crisis", said)
    # "flagged" rates count the misses: turn hits into the flagged fraction.
    for name in ("neutral_flagged", "neutral_safety_flagged"):
        rate = rates[name]
        rate.hits = rate.total - rate.hits
    return rates, (sum(jaccards) / len(jaccards) if jaccards else None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--reframe", default=DEFAULT_BINARY, help="path to the reframe binary")
    parser.add_argument("--flows", default=None, help="flows folder (default: the binary's)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--check", action="store_true", help="exit 1 unless the thresholds hold")
    parser.add_argument("--verbose", "-v", action="store_true", help="list the misses")
    parser.add_argument("--min-self-critical-recall", type=float, default=0.85)
    parser.add_argument("--max-neutral-flagged", type=float, default=0.10)
    parser.add_argument("--max-neutral-safety-flagged", type=float, default=1.0)
    parser.add_argument("--min-crisis-recall", type=float, default=1.0)
    parser.add_argument("--min-crisis-precision", type=float, default=0.0)
    parser.add_argument("--min-medical-recall", type=float, default=0.9)
    parser.add_argument("--min-trap-overlap", type=float, default=0.5)
    args = parser.parse_args()

    examples = load_corpus(args.corpus)
    if not examples:
        sys.exit(f"error: {args.corpus} has no examples")
    rows = classify(args.reframe, args.flows, [e.text for e in examples])
    rates, jaccard = measure(examples, rows)

    # (name, label, threshold, True when higher is better)
    checks = [
        ("self_critical_recall", "self-critical recall", args.min_self_critical_recall, True),
        ("neutral_flagged", "neutral flagged", args.max_neutral_flagged, False),
        ("neutral_safety_flagged", "neutral flagged crisis/medical",
         args.max_neutral_safety_flagged, False),
        ("crisis_recall", "crisis recall", args.min_crisis_recall, True),
        ("crisis_precision", "crisis precision", args.min_crisis_precision, True),
        ("medical_recall", "medical-urgent recall", args.min_medical_recall, True),
        ("trap_overlap", "trap overlap", args.min_trap_overlap, True),
        ("trap_jaccard", "mean trap jaccard", None, True),
    ]
    failures = []
    report = {}
    for name, label, threshold, higher in checks:
        figure = jaccard if name == "trap_jaccard" else rates[name].value
        report[name] = figure
        if threshold is None or figure is None:
            continue
        if (figure < threshold) if higher else (figure > threshold):
            failures.append(f"{label} {figure:.3f} {'<' if higher else '>'} {threshold}")

    if args.json:
        report["counts"] = {label: sum(e.label == label for e in examples) for label in LABELS}
        report["failures"] = failures
        print(json.dumps(report, sort_keys=True))
    else:
        counts = ", ".join(f"{label} {sum(e.label == label for e in examples)}" for label in LABELS)
        print(f"{args.corpus}: {len(examples)} lines ({counts})")
        for name, label, threshold, higher in checks:
            figure = report[name]
            shown = "n/a" if figure is None else f"{figure:.3f}"
            rate = rates.get(name)
            count = f" ({rate.hits}/{rate.total})" if rate and rate.total else ""
            limit = "" if threshold is None else f"   [{'>=' if higher else '<='} {threshold}]"
            print(f"  {label:<32}{shown}{count}{limit}")
        if args.verbose:
            for name, label, _, _ in checks:
                misses = rates[name].misses if name in rates else []
                if misses:
                    print(f"\n{label}: {len(misses)} "
                          f"{'flagged' if name.startswith('neutral') else 'missed'}")
                    print("\n".join(misses))
        for failure in failures:
            print(f"FAIL: {failure}")
    return 1 if (args.check and failures) else 0


if __name__ == "__main__":
    sys.exit(main())
