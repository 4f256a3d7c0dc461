#!/usr/bin/env python3
"""Golden conversation transcripts: replays every tests/golden/NAME.in.jsonl through
`reframe replay` and compares the output, line by line, with NAME.out.jsonl.

  python3 tools/golden.py --reframe build/adapters/cli/reframe --flows dialogues tests/golden
  python3 tools/golden.py ... --update      # rewrite the .out.jsonl files after a reviewed change
"""
import argparse
import difflib
import pathlib
import subprocess
import sys


def replay(binary, flows, transcript):
    result = subprocess.run(
        [binary, "replay", "--flows", flows, "--db", ":memory:"],
        input=transcript.read_bytes(), capture_output=True, timeout=120, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stderr.decode("utf-8", "replace"))
        raise SystemExit(f"golden: reframe replay failed on {transcript} (exit {result.returncode})")
    return result.stdout.decode("utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=pathlib.Path)
    parser.add_argument("--reframe", default="build/adapters/cli/reframe")
    parser.add_argument("--flows", default="dialogues")
    parser.add_argument("--update", action="store_true")
    args = parser.parse_args()

    inputs = sorted(args.folder.glob("*.in.jsonl"))
    if not inputs:
        raise SystemExit(f"golden: no *.in.jsonl transcripts in {args.folder}")
    failed = 0
    for transcript in inputs:
        expected_path = transcript.with_name(transcript.name.replace(".in.jsonl", ".out.jsonl"))
        actual = replay(args.reframe, args.flows, transcript)
        if args.update:
            expected_path.write_text(actual, encoding="utf-8")
            print(f"updated {expected_path}")
            continue
        expected = expected_path.read_text(encoding="utf-8") if expected_path.exists() else ""
        if actual == expected:
            print(f"PASS {transcript.name}")
            continue
        failed += 1
        print(f"FAIL {transcript.name}")
        sys.stdout.writelines(difflib.unified_diff(
            expected.splitlines(True), actual.splitlines(True), str(expected_path), "actual"))
    print(f"{len(inputs) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
