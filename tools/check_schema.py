#!/usr/bin/env python3
"""Checks the editor JSON Schemas in dialogues/schema/ against real files.

  check_schema.py --schemas dialogues/schema --valid dialogues [--invalid tests/fixtures/schema/invalid]

Every YAML file under a --valid folder must validate: files in a `tests/` folder against
reframe-test.schema.json, every other one against reframe.schema.json. Every file under
--invalid must be rejected, and the error must mention the text its first line names
(`# rejects: …`). YAML is read as the editors' YAML language server reads it (YAML 1.2:
only true/false are booleans, so `on:` and `yes` stay texts), which is also how reframe
reads it. Exit 0 when all hold, 1 otherwise.
"""
import argparse
import json
import pathlib
import re
import sys

try:
    import jsonschema
    import yaml
except ImportError as e:  # pragma: no cover - a missing package is a setup problem
    sys.exit(f"check_schema: {e.name} is missing: apt-get install python3-jsonschema python3-yaml")


class Yaml12Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema scalars instead of YAML 1.1's."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (
        "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                   list("tTfF"))
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"),
    list("-+0123456789."))


def documents(path):
    """The file's non-empty documents; None (after saying why) when it is not YAML at all."""
    try:
        with open(path, encoding="utf-8") as f:
            return [doc for doc in yaml.load_all(f, Loader=Yaml12Loader) if doc is not None]
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        print(f"{path}: cannot be read as YAML: {e}".replace("\n", " "))
        return None


def in_tests(path, root):
    return "tests" in path.relative_to(root).parts[:-1] or root.name == "tests"


def validator(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def describe(error):
    """Where and what; for anyOf/oneOf, the deepest reason of the alternative that came closest."""
    while error.context:
        error = max(error.context, key=lambda e: (len(e.absolute_path), -len(e.message)))
    where = "/".join(str(p) for p in error.absolute_path) or "(top)"
    return f"at {where}: {error.message}"


def in_lint(path, root):
    """lint/tone.yaml is the tone list, with its own schema (reframe-tone.schema.json)."""
    return "lint" in path.relative_to(root).parts[:-1]


def check_valid(root, flows, tests, tone):
    failures = 0
    files = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    for path in files:
        which = tests if in_tests(path, root) else tone if in_lint(path, root) else flows
        docs = documents(path)
        failures += docs is None
        for doc in docs or []:
            for error in sorted(which.iter_errors(doc), key=lambda e: list(e.absolute_path)):
                print(f"{path}: does not validate {describe(error)}")
                failures += 1
    print(f"check_schema: {len(files)} file(s) under {root} checked")
    return failures, len(files)


def check_invalid(root, flows, tests):
    failures = 0
    files = sorted(p for p in root.rglob("*.yaml"))
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        expected = first.split("rejects:", 1)[1].strip() if "rejects:" in first else ""
        which = tests if in_tests(path, root) else flows
        errors = [describe(e) for doc in documents(path) or [] for e in which.iter_errors(doc)]
        if not errors:
            print(f"{path}: the schema accepts this file, but it must be rejected ({expected})")
            failures += 1
        elif expected and not any(expected in e for e in errors):
            print(f"{path}: rejected, but no error mentions {expected!r}: {errors}")
            failures += 1
    print(f"check_schema: {len(files)} invalid fixture(s) under {root} checked")
    return failures, len(files)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemas", required=True, type=pathlib.Path)
    parser.add_argument("--valid", action="append", default=[], type=pathlib.Path)
    parser.add_argument("--invalid", action="append", default=[], type=pathlib.Path)
    args = parser.parse_args()
    flows = validator(args.schemas / "reframe.schema.json")
    tests = validator(args.schemas / "reframe-test.schema.json")
    # reframe-tone.schema.json only points into reframe.schema.json's definitions (as the
    # editor resolves it); the same reference here, without a network-capable resolver.
    tone = jsonschema.Draft7Validator({"$ref": "#/definitions/tone_file", "definitions": flows.schema["definitions"]})
    failures = 0
    for root in args.valid:
        count, files = check_valid(root, flows, tests, tone)
        failures += count + (0 if files else 1)
    for root in args.invalid:
        count, files = check_invalid(root, flows, tests)
        failures += count + (0 if files else 1)
    print("check_schema: " + ("ok" if failures == 0 else f"{failures} problem(s)"))
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
