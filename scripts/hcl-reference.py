#!/usr/bin/env python3
"""Reference structure of HCL files, read with python-hcl2, for guardpost's differential test.

Usage: hcl-reference.py FILE...
Prints one JSON object: {"FILE": {"ok": true, "items": [...]} | {"ok": false, "error": "..."}}.

Items name every block and every attribute, nested blocks included, as paths:
  'resource aws_vpc main[0]'                      a block: type, labels, index among equal siblings
  'resource aws_vpc main[0]/vpc_config[0]'        a nested block
  'resource aws_vpc main[0]/vpc_config[0]:subnet_ids'   an attribute of it
  ':region'                                        a top-level attribute
The Swift test (Tests/GuardpostDocumentsTests/HCLDifferentialTests.swift) builds the same list from
guardpost's HCL reader and compares the two per file.
"""
import json
import sys

import hcl2


def label(text):
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        try:
            return json.loads(text)
        except ValueError:
            return text[1:-1]
    return text


def is_block_entry(value):
    """A list whose entries are block bodies (marked) or label dicts leading to marked bodies."""
    if not isinstance(value, list) or not value:
        return False
    return all(isinstance(v, dict) and (v.get("__is_block__") or leads_to_block(v)) for v in value)


def leads_to_block(d):
    if not isinstance(d, dict) or not d or d.get("__is_block__"):
        return bool(isinstance(d, dict) and d.get("__is_block__"))
    return all(not k.startswith("__") and isinstance(v, dict) and leads_to_block(v) for k, v in d.items())


def bodies(entry, labels):
    """(labels, body) pairs under one list entry of a block type."""
    if entry.get("__is_block__"):
        yield labels, entry
        return
    for k, v in entry.items():
        if k.startswith("__"):
            continue
        yield from bodies(v, labels + [label(k)])


def walk_body(body, prefix, items):
    counts = {}
    for key, value in body.items():
        if key.startswith("__"):
            continue
        if is_block_entry(value):
            for entry in value:
                for labels, inner in bodies(entry, []):
                    ident = " ".join([key] + labels)
                    index = counts.get(ident, 0)
                    counts[ident] = index + 1
                    path = f"{prefix}/{ident}[{index}]" if prefix else f"{ident}[{index}]"
                    items.append(path)
                    walk_body(inner, path, items)
        else:
            items.append(f"{prefix}:{key}")


def supports_block_markers():
    """python-hcl2 8.x marks blocks with __is_block__; older versions cannot tell blocks from objects."""
    import io
    data = hcl2.load(io.StringIO("a {\n  b = 1\n}\n"))
    return isinstance(data.get("a"), list) and data["a"] and data["a"][0].get("__is_block__") is True


def main(paths):
    if not supports_block_markers():
        sys.stderr.write("python-hcl2 does not mark blocks (__is_block__); install python-hcl2==8.1.4\n")
        sys.exit(3)
    out = {}
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                data = hcl2.load(f)
            items = []
            walk_body(data, "", items)
            out[path] = {"ok": True, "items": sorted(items)}
        except Exception as e:  # noqa: BLE001 - any failure is "does not parse" for the comparison
            out[path] = {"ok": False, "error": f"{type(e).__name__}: {str(e)[:300]}"}
    json.dump(out, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
