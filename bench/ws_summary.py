#!/usr/bin/env python3
"""Sums up bench/run_ws.sh's runs (the JSON lines ws_load printed) as reframe/echo ratios.

The k-th reframe run of a load is paired with the k-th echo run of the same load (run_ws.sh
runs them one right after the other, the order alternating), and each pair gives a ratio.
One pair says little on a machine whose speed drifts by a fifth from one second to the next:
the median of the pairs' ratios is the figure, with their range beside it.

Prints one JSON line per load. Exits 1 when any run lost, duplicated or failed a say, or a
load has no complete pair: such a figure would mean nothing.

usage: ws_summary.py RUNS.jsonl
"""

import json
import statistics
import sys

REFRAME, ECHO = "reframe", "node-ws-echo"


def clean(run):
    return all(run.get(key, 0) == 0 for key in ("failed", "lost", "duplicates", "errors"))


def median(values):
    return statistics.median(values) if values else 0


def summarise(runs):
    """(lines, ok): one summary per load, in the order the loads first appear."""
    loads = {}
    for run in runs:
        key = (run["mode"], run["connections"])
        loads.setdefault(key, {REFRAME: [], ECHO: []}).setdefault(run["label"], []).append(run)
    lines, ok = [], all(clean(run) for run in runs)
    for (mode, connections), by_label in loads.items():
        pairs = list(zip(by_label[REFRAME], by_label[ECHO]))
        if not pairs:
            ok = False
            lines.append({"mode": mode, "connections": connections, "error": "no reframe/echo pair"})
            continue
        line = {"mode": mode, "connections": connections, "pairs": len(pairs)}
        if mode == "idle":
            ratios = [r["server_peak_rss_kib"] / e["server_peak_rss_kib"] for r, e in pairs if e["server_peak_rss_kib"]]
            line["reframe_peak_rss_kib"] = median([r["server_peak_rss_kib"] for r, _ in pairs])
            line["echo_peak_rss_kib"] = median([e["server_peak_rss_kib"] for _, e in pairs])
            line["rss_ratio"] = round(median(ratios), 2)
        else:
            ratios = [r["msgs_per_s"] / e["msgs_per_s"] for r, e in pairs if e["msgs_per_s"]]
            line["reframe_msgs_per_s"] = median([r["msgs_per_s"] for r, _ in pairs])
            line["echo_msgs_per_s"] = median([e["msgs_per_s"] for _, e in pairs])
            line["ratio"] = round(median(ratios), 2)
            line["ratio_range"] = [round(min(ratios), 2), round(max(ratios), 2)] if ratios else []
            line["reframe_p50_us"] = median([r["p50_us"] for r, _ in pairs])
            line["reframe_p99_us"] = median([r["p99_us"] for r, _ in pairs])
            line["reframe_peak_rss_kib"] = max(r["server_peak_rss_kib"] for r, _ in pairs)
        line["every_say_answered_once"] = all(clean(run) for pair in pairs for run in pair)
        lines.append(line)
    return lines, ok


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as file:
            runs = [json.loads(line) for line in file if line.strip()]
    except (OSError, ValueError) as error:
        print(f"ws_summary: cannot read {argv[1]}: {error}", file=sys.stderr)
        return 2
    if not runs:
        print(f"ws_summary: {argv[1]} holds no runs", file=sys.stderr)
        return 1
    try:
        lines, ok = summarise(runs)
    except KeyError as error:
        print(f"ws_summary: a run in {argv[1]} lacks {error}", file=sys.stderr)
        return 2
    for line in lines:
        print(json.dumps(line))
    if not ok:
        print("ws_summary: a run lost, duplicated or failed says, or a load has no pair", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
