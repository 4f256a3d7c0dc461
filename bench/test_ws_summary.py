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


def run(label, msgs=0, mode="say", connections=1000, rss=50000, **faults):
    line = {"label": label, "mode": mode, "connections": connections, "failed": 0, "lost": 0, "duplicates": 0,
            "errors": 0, "msgs_per_s": msgs, "p50_us": msgs // 1000, "p99_us": msgs // 100,
            "server_peak_rss_kib": rss}
    line.update(faults)
    return line


R, E = ws_summary.REFRAME, ws_summary.ECHO
# Three pairs at 1,000 connections in run_ws.sh's alternating order (ratios 0.75, 1.1,
# 0.9), two at 5,000 (0.5, 0.7), and one idle pair.
RUNS = [
    run(R, 30000), run(E, 40000),
    run(E, 40000), run(R, 44000),
    run(R, 36000), run(E, 40000),
    run(R, 10000, connections=5000), run(E, 20000, connections=5000),
    run(E, 20000, connections=5000), run(R, 14000, connections=5000),
    run(R, mode="idle", connections=10000, rss=100000), run(E, mode="idle", connections=10000, rss=125000),
]


class Summary(unittest.TestCase):
    def test_the_median_of_the_pairs_ratios_and_their_range(self):
        lines, ok = ws_summary.summarise(RUNS)
        self.assertTrue(ok)
        self.assertEqual([(line["mode"], line["connections"]) for line in lines],
                         [("say", 1000), ("say", 5000), ("idle", 10000)])
        first, second, idle = lines
        self.assertEqual(first["pairs"], 3)
        self.assertEqual(first["ratio"], 0.9)
        self.assertEqual(first["ratio_range"], [0.75, 1.1])
        self.assertEqual(first["reframe_msgs_per_s"], 36000)
        self.assertEqual(first["echo_msgs_per_s"], 40000)
        self.assertEqual(first["reframe_p99_us"], 360)
        self.assertTrue(first["every_say_answered_once"])
        self.assertEqual(second["pairs"], 2)
        self.assertAlmostEqual(second["ratio"], 0.6)
        self.assertEqual(idle["rss_ratio"], 0.8)
        self.assertEqual(idle["reframe_peak_rss_kib"], 100000)

    def test_a_lost_or_duplicated_say_spoils_the_figure(self):
        for fault in ("lost", "duplicates", "errors", "failed"):
            runs = list(RUNS)
            runs[3] = run(R, 44000, **{fault: 1})
            lines, ok = ws_summary.summarise(runs)
            self.assertFalse(ok, fault)
            self.assertFalse(lines[0]["every_say_answered_once"], fault)
            self.assertTrue(lines[1]["every_say_answered_once"], fault)

    def test_a_load_without_a_pair_is_an_error(self):
        lines, ok = ws_summary.summarise([run(R, 30000)])
        self.assertFalse(ok)
        self.assertIn("error", lines[0])

    def test_the_command_line(self):
        with tempfile.TemporaryDirectory() as folder:
            good = os.path.join(folder, "good.jsonl")
            with open(good, "w", encoding="utf-8") as file:
                file.write("".join(json.dumps(line) + "\n" for line in RUNS))
            done = subprocess.run([sys.executable, SCRIPT, good], capture_output=True, text=True, check=False)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(json.loads(done.stdout.splitlines()[0])["ratio"], 0.9)

            bad = os.path.join(folder, "bad.jsonl")
            with open(bad, "w", encoding="utf-8") as file:
                file.write(json.dumps(run(R, 1, lost=3)) + "\n" + json.dumps(run(E, 2)) + "\n")
            done = subprocess.run([sys.executable, SCRIPT, bad], capture_output=True, text=True, check=False)
            self.assertEqual(done.returncode, 1)
            self.assertIn("lost", done.stderr)

            for content, message in (("", "holds no runs"), ("{not json\n", "cannot read"),
                                     ('{"label":"reframe"}\n', "lacks")):
                with open(bad, "w", encoding="utf-8") as file:
                    file.write(content)
                done = subprocess.run([sys.executable, SCRIPT, bad], capture_output=True, text=True, check=False)
                self.assertNotEqual(done.returncode, 0, content)
                self.assertIn(message, done.stderr, content)
            done = subprocess.run([sys.executable, SCRIPT, os.path.join(folder, "missing.jsonl")],
                                  capture_output=True, text=True, check=False)
            self.assertEqual(done.returncode, 2)


if __name__ == "__main__":
    unittest.main()
