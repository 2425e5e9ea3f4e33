#!/usr/bin/env python3
"""Reference verdicts for Gatekeeper ConstraintTemplates, from their own Rego.

Evaluates `data.<package>.violation` with regopy (the rego-cpp interpreter), outside Gatekeeper,
for the differential test of guardpost's native Gatekeeper engine.

    pip install regopy
    python3 scripts/rego-reference.py < cases.json > verdicts.json

cases.json: a JSON array of {"id", "package", "rego", "libs": [rego...], "input": {...}}, where
input is what Gatekeeper gives the template: {"review": {"object", "kind", "operation", ...},
"parameters": {...}}.
verdicts.json: a JSON array of {"id", "count", "messages": [...]} or {"id", "error"}.
Exit 3 when regopy is not installed (the Swift test then skips).
"""
import json
import os
import re
import sys

try:
    from regopy import Interpreter
except ImportError:  # pragma: no cover
    sys.stderr.write("regopy is not installed: pip install regopy\n")
    sys.exit(3)


_ITER_IN_CALL = re.compile(r"\(([^()]*?)\b([A-Za-z_][\w.]*\[_\])")


_PARTIAL_SET_RULE = re.compile(r"^([A-Za-z_]\w*)\[[A-Za-z_]\w*\]\s*\{", re.M)


def rego_cpp_set_iteration(rego):
    """rego-cpp (regopy 1.5.2) iterates a partial set rule with `s[_]` over its internal `true`
    values instead of its elements; `s[x]` binds the elements correctly. Rewrite `s[_]` to a fresh
    variable bound by `s[var]` just before the expression (or after a comprehension's `|`)."""
    names = set(_PARTIAL_SET_RULE.findall(rego)) - {"violation"}
    if not names:
        return rego
    pattern = re.compile(r"\b(%s)\[_\]" % "|".join(sorted(names)))
    out = []
    counter = [0]
    for line in rego.split("\n"):
        while not line.lstrip().startswith("#"):
            m = pattern.search(line)
            if not m:
                break
            counter[0] += 1
            var = "__gs%d" % counter[0]
            start = m.start(0)
            line = line[:start] + var + line[m.end(0):]
            bar = line.rfind("|", 0, start)
            if bar >= 0:
                line = line[:bar + 1] + " %s[%s];" % (m.group(1), var) + line[bar + 1:]
            else:
                indent = line[:len(line) - len(line.lstrip())]
                out.append("%s%s[%s]" % (indent, m.group(1), var))
        out.append(line)
    return "\n".join(out)


def rego_cpp_compatible(rego):
    return _rego_cpp_call_args(rego_cpp_set_iteration(rego))


def _rego_cpp_call_args(rego):
    """rego-cpp rejects `x[_]` as a call argument (`Invalid bracket argument`), which OPA accepts and
    rewrites itself. Do the same rewrite, meaning-preserving: `f(a, x[_])` becomes
    `__gpN := x[_]; f(a, __gpN)` (inside a comprehension, after its `|`)."""
    out = []
    counter = [0]
    for line in rego.split("\n"):
        while True:
            m = _ITER_IN_CALL.search(line)
            if not m or line.lstrip().startswith("#"):
                break
            counter[0] += 1
            var = "__gp%d" % counter[0]
            ref = m.group(2)
            start = m.start(2)
            line = line[:start] + var + line[start + len(ref):]
            bar = line.rfind("|", 0, start)
            if bar >= 0:
                line = line[:bar + 1] + " %s := %s;" % (var, ref) + line[bar + 1:]
            else:
                indent = line[:len(line) - len(line.lstrip())]
                out.append("%s%s := %s" % (indent, var, ref))
        out.append(line)
    return "\n".join(out)


def violations(case):
    interp = Interpreter()
    interp.add_module("template.rego", rego_cpp_compatible(case["rego"]))
    for i, lib in enumerate(case.get("libs") or []):
        interp.add_module("lib%d.rego" % i, rego_cpp_compatible(lib))
    interp.set_input_term(json.dumps(case["input"]))
    out = interp.query("data.%s.violation" % case["package"])
    text = str(out)
    try:
        doc = json.loads(text)
    except ValueError:
        raise RuntimeError("rego-cpp: " + text.strip().splitlines()[0] if text.strip() else "rego-cpp: no output")
    exprs = doc.get("expressions") if isinstance(doc, dict) else None
    if not exprs:
        # undefined: no violation rule fired at all
        return []
    value = exprs[0]
    elements = []
    if isinstance(value, dict):
        # rego-cpp prints a set as an object whose keys are its elements
        for key in value.keys():
            try:
                elements.append(json.loads(key))
            except ValueError:
                elements.append({"msg": key})
    elif isinstance(value, list):
        elements = value
    else:
        raise ValueError("unexpected result %r" % text)
    return elements


def main():
    cases = json.load(sys.stdin)
    # rego-cpp prints its diagnostics on the process's stdout: keep ours clean.
    sys.stdout.flush()
    real_stdout = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    results = []
    for case in cases:
        try:
            elems = violations(case)
            msgs = sorted(str(e.get("msg")) if isinstance(e, dict) else str(e) for e in elems)
            results.append({"id": case["id"], "count": len(elems), "messages": msgs})
        except Exception as exc:  # report, keep going
            results.append({"id": case["id"], "error": "%s: %s" % (type(exc).__name__, exc)})
    json.dump(results, real_stdout, indent=1)
    real_stdout.write("\n")
    real_stdout.flush()


if __name__ == "__main__":
    main()
