#!/usr/bin/env python3
"""Reads a JUnit XML report back as a CI system would and checks its counts.

  check_junit.py REPORT.xml [--min-tests N] [--failures N] [--errors N]

Exit 0 when the file is well-formed XML of the expected shape and counts, 1 otherwise.
"""
import argparse
import sys
import xml.etree.ElementTree as ET


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("--min-tests", type=int, default=1)
    parser.add_argument("--failures", type=int)
    parser.add_argument("--errors", type=int)
    args = parser.parse_args()
    try:
        root = ET.parse(args.report).getroot()
    except (ET.ParseError, OSError) as e:
        print(f"check_junit: {args.report}: not well-formed XML: {e}")
        return 1
    problems = []
    if root.tag != "testsuites":
        problems.append(f"the root is <{root.tag}>, not <testsuites>")
    cases = root.findall("./testsuite/testcase")
    failures = root.findall("./testsuite/testcase/failure")
    errors = root.findall("./testsuite/testcase/error")
    totals = {"tests": len(cases), "failures": len(failures), "errors": len(errors)}
    for name, count in totals.items():
        if root.get(name) != str(count):
            problems.append(f"<testsuites {name}=\"{root.get(name)}\"> but {count} counted")
    for suite in root.findall("./testsuite"):
        if suite.get("tests") != str(len(suite.findall("testcase"))):
            problems.append(f"suite {suite.get('name')}: tests=\"{suite.get('tests')}\" does not match its cases")
        for case in suite.findall("testcase"):
            if not case.get("name") or not case.get("classname"):
                problems.append(f"suite {suite.get('name')}: a testcase without name or classname")
    if len(cases) < args.min_tests:
        problems.append(f"{len(cases)} test case(s), fewer than {args.min_tests}")
    if args.failures is not None and len(failures) != args.failures:
        problems.append(f"{len(failures)} failure(s), expected {args.failures}")
    if args.errors is not None and len(errors) != args.errors:
        problems.append(f"{len(errors)} error(s), expected {args.errors}")
    for p in problems:
        print(f"check_junit: {args.report}: {p}")
    print(f"check_junit: {totals['tests']} tests, {totals['failures']} failures, {totals['errors']} errors"
          + ("" if problems else " — ok"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
