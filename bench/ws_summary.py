#!/usr/bin/env python3
"""Sums up bench/run_ws.sh's runs (the JSON lines ws_load printed) as reframe/echo ratios.

The k-th reframe run of a load is paired with the k-th echo run of the same load (run_ws.sh
runs them one right after the other, the order alternating), and each pair gives a ratio.
One pair says little on a machine whose speed drifts by a fifth from one second to the next:
the median of the pairs' ratios is the figure, with their range beside it.

Prints one JSON line per load, with, when ws_load measured them, the medians of what a say
cost each server and the client inside the measured window and how busy the machine was.
Exits 1 when any run lost, duplicated or failed a say, or a load's reframe and echo runs do
not pair up (a run that printed nothing would shift every later pair), or a pair has no
figure to divide by: such a figure would mean nothing. Exits 2 when the file cannot be read
as ws_load's lines.

usage: ws_summary.py RUNS.jsonl
"""

import json
import statistics
import sys

REFRAME, ECHO = "reframe", "node-ws-echo"
FAULTS = ("failed", "lost", "duplicates", "errors")
REQUIRED = ("label", "mode", "connections", "msgs_per_s", "p50_us", "p99_us", "server_peak_rss_kib") + FAULTS
# CPU inside the measured window (ws_load's window_*): summarised when every run of a load has
# them as numbers (an older ws_load has none; one that could not read a figure gives null).
WINDOW = ("window_server_cpu_us_per_say", "window_client_cpu_us_per_say", "window_machine_busy_pct")


class BadInput(Exception):
    """A line that is not one of ws_load's runs."""


def check(run, number):
    if not isinstance(run, dict):
        raise BadInput(f"line {number} is not a JSON object")
    for key in REQUIRED:
        if key not in run:
            raise BadInput(f"line {number} lacks {key!r}")
    for key in REQUIRED[3:]:
        if not isinstance(run[key], (int, float)) or isinstance(run[key], bool):
            raise BadInput(f"line {number}: {key!r} is not a number")
    return run


def clean(run):
    return all(run[key] == 0 for key in FAULTS)


def median(values):
    return statistics.median(values)


def ratios_of(pairs, key):
    """Each pair's reframe/echo ratio of `key`; None when an echo figure is 0."""
    if any(e[key] <= 0 for _, e in pairs):
        return None
    return [r[key] / e[key] for r, e in pairs]


def number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def window_medians(reframe, echo):
    """The medians of the window's CPU figures, each server's runs apart (the client and the
    machine work differently for each): the server's, the client's µs a say and how busy the
    machine was; {} when a run lacks one (an older ws_load, or one that could not read it)."""
    if not all(number(run.get(key)) for run in reframe + echo for key in WINDOW):
        return {}
    line = {}
    for name, runs in (("reframe", reframe), ("echo", echo)):
        server, client, busy = ([run[key] for run in runs] for key in WINDOW)
        line[f"{name}_server_cpu_us_per_say"] = round(median(server), 1)
        line[f"{name}_client_cpu_us_per_say"] = round(median(client), 1)
        line[f"{name}_machine_busy_pct"] = round(median(busy))
    return line


def summarise(runs):
    """(lines, problems): one summary per load, in the order the loads first appear, and
    what makes the figures unusable (empty when there is nothing)."""
    loads, problems = {}, []
    for run in runs:
        if run["label"] not in (REFRAME, ECHO):
            problems.append(f"a run labelled {run['label']!r} is neither {REFRAME} nor {ECHO}")
            continue
        key = (run["mode"], run["connections"])
        loads.setdefault(key, {REFRAME: [], ECHO: []})[run["label"]].append(run)
    lines = []
    for (mode, connections), by_label in loads.items():
        name = f"{mode} x {connections}"
        reframe, echo = by_label[REFRAME], by_label[ECHO]
        line = {"mode": mode, "connections": connections}
        if len(reframe) != len(echo) or not reframe:
            problems.append(f"{name}: {len(reframe)} reframe runs against {len(echo)} echo runs")
            line["error"] = "the reframe and echo runs do not pair up"
            lines.append(line)
            continue
        pairs = list(zip(reframe, echo))
        line["pairs"] = len(pairs)
        ratio_key = "server_peak_rss_kib" if mode == "idle" else "msgs_per_s"
        ratios = ratios_of(pairs, ratio_key)
        if ratios is None:
            problems.append(f"{name}: an echo run has {ratio_key} 0")
            line["error"] = f"an echo run has {ratio_key} 0"
            lines.append(line)
            continue
        if mode == "idle":
            line["reframe_peak_rss_kib"] = max(r["server_peak_rss_kib"] for r in reframe)
            line["echo_peak_rss_kib"] = max(e["server_peak_rss_kib"] for e in echo)
            line["rss_ratio"] = round(median(ratios), 2)
        else:
            line["reframe_msgs_per_s"] = median([r["msgs_per_s"] for r in reframe])
            line["echo_msgs_per_s"] = median([e["msgs_per_s"] for e in echo])
            line["ratio"] = round(median(ratios), 2)
            line["ratio_range"] = [round(min(ratios), 2), round(max(ratios), 2)]
            line["reframe_p50_us"] = median([r["p50_us"] for r in reframe])
            line["reframe_p99_us"] = median([r["p99_us"] for r in reframe])
            line["reframe_peak_rss_kib"] = max(r["server_peak_rss_kib"] for r in reframe)
            line.update(window_medians(reframe, echo))
        faulty = [run for run in reframe + echo if not clean(run)]
        line["every_say_answered_once"] = not faulty
        for run in faulty:
            faults = ", ".join(f"{run[key]} {key}" for key in FAULTS if run[key])
            problems.append(f"{name}: a {run['label']} run had {faults}")
        lines.append(line)
    return lines, problems


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as file:
            runs = [check(json.loads(line), number) for number, line in enumerate(file, 1) if line.strip()]
    except (OSError, ValueError, BadInput) as error:
        print(f"ws_summary: cannot read {argv[1]}: {error}", file=sys.stderr)
        return 2
    if not runs:
        print(f"ws_summary: {argv[1]} holds no runs", file=sys.stderr)
        return 1
    lines, problems = summarise(runs)
    for line in lines:
        print(json.dumps(line))
    for problem in problems:
        print(f"ws_summary: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
