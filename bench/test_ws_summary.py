#!/usr/bin/env python3
"""Tests for ws_summary.py (run by ctest as bench.summary)."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ws_summary  # noqa: E402

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ws_summary.py")


def run(label, msgs=0, mode="say", connections=1000, rss=50000, p50=None, **faults):
    line = {"label": label, "mode": mode, "connections": connections, "failed": 0, "lost": 0, "duplicates": 0,
            "errors": 0, "msgs_per_s": msgs, "p50_us": msgs // 1000 if p50 is None else p50,
            "p99_us": msgs // 100, "server_peak_rss_kib": rss}
    line.update(faults)
    return line


R, E = ws_summary.REFRAME, ws_summary.ECHO
# Three pairs at 1,000 connections in run_ws.sh's alternating order, each pair's echo figure
# its own: ratios 30/60 = 0.5, 44/40 = 1.1 and 45/50 = 0.9. Their median (0.9) is neither
# their mean (0.83) nor the ratio of the medians (44/50 = 0.88). Two pairs at 5,000: 10/40 =
# 0.25 and 18/20 = 0.9, where the ratio of the medians would be 14/30. One idle pair.
RUNS = [
    run(R, 30000, p50=10, rss=60000), run(E, 60000),
    run(E, 40000), run(R, 44000, p50=30, rss=70000),
    run(R, 45000, p50=20, rss=65000), run(E, 50000),
    run(R, 10000, connections=5000), run(E, 40000, connections=5000),
    run(E, 20000, connections=5000), run(R, 18000, connections=5000),
    run(R, mode="idle", connections=10000, rss=100000), run(E, mode="idle", connections=10000, rss=125000),
]


def write(folder, name, lines):
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as file:
        file.write(lines if isinstance(lines, str) else "".join(json.dumps(line) + "\n" for line in lines))
    return path


def command(path):
    return subprocess.run([sys.executable, SCRIPT, path], capture_output=True, text=True, check=False)


class Summary(unittest.TestCase):
    def test_the_median_of_the_pairs_ratios_and_their_range(self):
        lines, problems = ws_summary.summarise(RUNS)
        self.assertEqual(problems, [])
        self.assertEqual([(line["mode"], line["connections"]) for line in lines],
                         [("say", 1000), ("say", 5000), ("idle", 10000)])
        first, second, idle = lines
        self.assertEqual(first["pairs"], 3)
        self.assertEqual(first["ratio"], 0.9)
        self.assertEqual(first["ratio_range"], [0.5, 1.1])
        self.assertEqual(first["reframe_msgs_per_s"], 44000)
        self.assertEqual(first["echo_msgs_per_s"], 50000)
        self.assertEqual(first["reframe_p50_us"], 20)
        self.assertEqual(first["reframe_p99_us"], 440)
        self.assertEqual(first["reframe_peak_rss_kib"], 70000)  # the highest of the runs
        self.assertTrue(first["every_say_answered_once"])
        self.assertEqual(second["pairs"], 2)
        self.assertAlmostEqual(second["ratio"], 0.57, delta=0.011)  # median of 0.25 and 0.9, not 14/30
        self.assertEqual(second["ratio_range"], [0.25, 0.9])
        self.assertEqual(idle["rss_ratio"], 0.8)
        self.assertEqual(idle["reframe_peak_rss_kib"], 100000)
        self.assertEqual(idle["echo_peak_rss_kib"], 125000)

    def test_pairs_are_the_kth_runs_of_each_server(self):
        # Reframe first in one pair, the echo server first in the next: pairing neighbours
        # across the pair boundary, or the echo runs in reverse, gives other ratios.
        runs = [run(R, 10000), run(E, 20000), run(E, 50000), run(R, 40000), run(R, 30000), run(E, 100000)]
        lines, _ = ws_summary.summarise(runs)
        self.assertEqual(lines[0]["ratio_range"], [0.3, 0.8])
        self.assertEqual(lines[0]["ratio"], 0.5)

    def test_a_lost_or_duplicated_say_spoils_the_figure(self):
        for fault in ws_summary.FAULTS:
            runs = list(RUNS)
            runs[3] = run(R, 44000, **{fault: 2})
            lines, problems = ws_summary.summarise(runs)
            self.assertEqual(len(problems), 1, fault)
            self.assertIn(f"say x 1000: a reframe run had 2 {fault}", problems[0])
            self.assertFalse(lines[0]["every_say_answered_once"], fault)
            self.assertTrue(lines[1]["every_say_answered_once"], fault)

    def test_runs_that_do_not_pair_up_are_an_error(self):
        # A run that printed nothing (ws_load crashed) would shift every later pair.
        for missing in (0, 2, 3):
            runs = RUNS[:missing] + RUNS[missing + 1:]
            lines, problems = ws_summary.summarise(runs)
            self.assertIn("error", lines[0], missing)
            self.assertNotIn("ratio", lines[0], missing)
            self.assertEqual(len(problems), 1, missing)
            self.assertIn("say x 1000", problems[0])
        lines, problems = ws_summary.summarise([run(R, 30000)])
        self.assertIn("error", lines[0])

    def test_an_echo_figure_of_zero_is_an_error_not_a_ratio_of_zero(self):
        runs = list(RUNS)
        runs[1] = run(E, 0)
        lines, problems = ws_summary.summarise(runs)
        self.assertNotIn("ratio", lines[0])
        self.assertIn("msgs_per_s 0", problems[0])
        runs = list(RUNS)
        runs[11] = run(E, mode="idle", connections=10000, rss=0)
        lines, problems = ws_summary.summarise(runs)
        self.assertNotIn("rss_ratio", lines[2])
        self.assertIn("server_peak_rss_kib 0", problems[0])

    def test_the_windows_cpu_as_medians_when_every_run_has_it(self):
        def timed(line, server, client, busy):
            return dict(line, window_server_cpu_us_per_say=server, window_client_cpu_us_per_say=client,
                        window_machine_busy_pct=busy)

        # RUNS[0], [3] and [4] are reframe's, [1], [2] and [5] the echo server's. Pooled, the
        # client's median would be 12.7 and the machine's 90; the figures are not on tenths,
        # so a median left unrounded shows.
        runs = [timed(RUNS[0], 40.04, 12.0, 97.2), timed(RUNS[1], 25.0, 14.0, 88.0),
                timed(RUNS[2], 23.0, 13.0, 91.0), timed(RUNS[3], 38.0, 11.04, 92.0),
                timed(RUNS[4], 41.5, 12.4, 89.0), timed(RUNS[5], 26.0, 15.0, 80.0)] + RUNS[6:]
        lines, problems = ws_summary.summarise(runs)
        self.assertEqual(problems, [])
        self.assertEqual(lines[0]["reframe_server_cpu_us_per_say"], 40.0)
        self.assertEqual(lines[0]["echo_server_cpu_us_per_say"], 25.0)
        self.assertEqual(lines[0]["reframe_client_cpu_us_per_say"], 12.0)
        self.assertEqual(lines[0]["echo_client_cpu_us_per_say"], 14.0)
        self.assertEqual(lines[0]["reframe_machine_busy_pct"], 92)
        self.assertEqual(lines[0]["echo_machine_busy_pct"], 88)
        # The 5,000 load's runs lack them (an older ws_load): left out, not made up.
        self.assertNotIn("reframe_server_cpu_us_per_say", lines[1])
        for unreadable in (None, True):  # ws_load could not read it; not a number
            odd = dict(runs[1], window_server_cpu_us_per_say=unreadable)
            lines, _ = ws_summary.summarise(runs[:1] + [odd] + runs[2:])
            self.assertNotIn("echo_server_cpu_us_per_say", lines[0], unreadable)
        runs[5] = RUNS[5]
        lines, _ = ws_summary.summarise(runs)
        self.assertNotIn("reframe_machine_busy_pct", lines[0])

    def test_another_label_is_reported(self):
        _, problems = ws_summary.summarise(RUNS + [run("reframe-lto", 50000)])
        self.assertEqual(len(problems), 1)
        self.assertIn("reframe-lto", problems[0])

    def test_the_command_line(self):
        with tempfile.TemporaryDirectory() as folder:
            done = command(write(folder, "good.jsonl", RUNS))
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(done.stderr, "")
            self.assertEqual([json.loads(line)["connections"] for line in done.stdout.splitlines()], [1000, 5000, 10000])

            done = command(write(folder, "lost.jsonl", [run(R, 1, lost=3), run(E, 2)]))
            self.assertEqual(done.returncode, 1)
            self.assertIn("a reframe run had 3 lost", done.stderr)

            done = command(write(folder, "empty.jsonl", ""))
            self.assertEqual(done.returncode, 1)
            self.assertIn("holds no runs", done.stderr)

            for content, message in (("{not json\n", "cannot read"), ("[1, 2]\n", "not a JSON object"),
                                     ('{"label":"reframe"}\n', "lacks 'mode'"),
                                     (json.dumps(run(R, 1) | {"msgs_per_s": "fast"}) + "\n", "not a number")):
                done = command(write(folder, "bad.jsonl", content))
                self.assertEqual(done.returncode, 2, content)
                self.assertIn(message, done.stderr, content)
                self.assertEqual(done.stdout, "", content)
            done = command(os.path.join(folder, "missing.jsonl"))
            self.assertEqual(done.returncode, 2)
            self.assertIn("cannot read", done.stderr)


if __name__ == "__main__":
    unittest.main()
