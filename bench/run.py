#!/usr/bin/env python3
"""Runs the guardpost benchmark and writes the results (JSON and a Markdown report).

Called by scripts/bench.sh, which builds guardpost in release mode, compiles the libyaml reference
(bench/yaml_events.c), generates the inputs (bench/generate.py) and installs checkov. Every process is
measured from start to exit: wall time (monotonic clock), CPU time (user + system) and peak resident
memory (both from wait4(2) on that process), and the 1-minute load average when it started. Each
measurement is repeated; the table reports the fastest run (the one least disturbed by other work on
the machine) and the JSON keeps every run. When the load average is above the number of cores, the
measurement is repeated more times.
"""
import argparse, json, os, platform, statistics, subprocess, sys, time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
CORES = os.cpu_count() or 1
SCAN_EXTS = (".json", ".yaml", ".yml", ".template")


# ------------------------------------------------------------------------------------------------
# Measuring


MEASURE = None  # bench/measure.c, compiled by scripts/bench.sh


def run_once(cmd, cwd=None, env=None, timeout=None):
    """One run of `cmd` through bench/measure.c: wall, CPU and peak RSS of that process alone."""
    load = os.getloadavg()[0]
    p = subprocess.run([MEASURE, str(int(timeout or 0))] + list(cmd), cwd=cwd, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.decode("utf-8", "replace")
    head, _, last = err.rstrip().rpartition("\n")
    fields = last.split()
    if not fields or fields[0] != "measure:":
        raise RuntimeError(f"measure failed for {cmd}: {err[-500:]}")
    wall, user, sys_, rss_kb, code = float(fields[1]), float(fields[2]), float(fields[3]), int(fields[4]), int(fields[5])
    return {"wall": wall, "cpu": user + sys_, "user": user, "sys": sys_, "rss_mb": rss_kb / 1024.0, "rc": code,
            "load": load, "stderr": head[-2000:], "timed_out": code == 124}


def measure(cmd, runs=3, cwd=None, env=None, timeout=None, ok_codes=(0, 1)):
    """Runs `cmd` `runs` times (more when the machine is busy); returns the best run and all runs."""
    results = []
    extra = 0
    i = 0
    while i < runs + extra:
        r = run_once(cmd, cwd=cwd, env=env, timeout=timeout)
        results.append(r)
        if r["rc"] not in ok_codes or r["timed_out"]:
            break  # a failure is reported, not retried
        if r["load"] > CORES and extra < runs:
            extra += 1  # busy machine: one more sample
        i += 1
    best = min(results, key=lambda r: r["wall"])
    return {"cmd": cmd, "best": best, "runs": results,
            "median_wall": statistics.median(r["wall"] for r in results),
            "max_rss_mb": max(r["rss_mb"] for r in results),
            "load_range": [min(r["load"] for r in results), max(r["load"] for r in results)]}


def measure_interleaved(cmds, runs=5, ok_codes=((0, 1),)):
    """Measures several commands in alternation (a, b, a, b ...), so that each sees the same machine
    conditions; for ratios between them (libyaml vs guardpost, --jobs 1 vs --jobs 2)."""
    results = [[] for _ in cmds]
    extra = 0
    i = 0
    while i < runs + extra:
        busy = False
        for k, cmd in enumerate(cmds):
            r = run_once(cmd)
            results[k].append(r)
            busy = busy or r["load"] > CORES
        if busy and extra < runs:
            extra += 1
        i += 1
    out = []
    for cmd, rs in zip(cmds, results):
        best = min(rs, key=lambda r: r["wall"])
        out.append({"cmd": cmd, "best": best, "runs": rs, "median_wall": statistics.median(r["wall"] for r in rs),
                    "max_rss_mb": max(r["rss_mb"] for r in rs),
                    "load_range": [min(r["load"] for r in rs), max(r["load"] for r in rs)]})
    return out


# ------------------------------------------------------------------------------------------------
# Inputs


def input_bytes(paths):
    total = 0
    for p in paths:
        if os.path.isfile(p):
            total += os.path.getsize(p)
            continue
        for d, dirs, files in os.walk(p):
            dirs[:] = [x for x in dirs if x not in (".git", ".terraform", "node_modules")]
            for f in files:
                if f.endswith(SCAN_EXTS):
                    total += os.path.getsize(os.path.join(d, f))
    return total


def count_resources(paths):
    """Terraform planned resources + CloudFormation resources + Kubernetes objects, as guardpost counts them."""
    import yaml

    class Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):
        pass
    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)

    def plan_count(mod):
        n = len(mod.get("resources") or [])
        for c in mod.get("child_modules") or []:
            n += plan_count(c)
        return n

    def doc_count(doc):
        if not isinstance(doc, dict):
            return 0
        if "planned_values" in doc:
            return plan_count((doc.get("planned_values") or {}).get("root_module") or {})
        if isinstance(doc.get("Resources"), dict) and ("AWSTemplateFormatVersion" in doc or any(
                isinstance(v, dict) and str(v.get("Type", "")).startswith(("AWS::", "Custom::")) for v in doc["Resources"].values())):
            return len(doc["Resources"])
        if isinstance(doc.get("apiVersion"), str) and isinstance(doc.get("kind"), str):
            if doc["kind"].endswith("List") and isinstance(doc.get("items"), list):
                return sum(doc_count(i) for i in doc["items"])
            return 1
        return 0

    files = []
    for p in paths:
        if os.path.isfile(p):
            files.append(p)
        else:
            for d, dirs, fs in os.walk(p):
                dirs[:] = [x for x in dirs if x not in (".git", ".terraform", "node_modules")]
                files += [os.path.join(d, f) for f in fs if f.endswith(SCAN_EXTS) and f != ".guardpost.yml"]
    total = 0
    for f in files:
        try:
            raw = open(f, "rb").read()
            if raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff"):
                text = raw.decode("utf-16")
            else:
                text = raw.decode("utf-8-sig")
            docs = [json.loads(text)] if f.endswith(".json") else list(yaml.load_all(text, Loader=Loader))
        except Exception:
            continue
        total += sum(doc_count(d) for d in docs)
    return total


def cloudformation_files(guardpost, path):
    """The files guardpost classifies as CloudFormation (from `guardpost inventory`)."""
    out = subprocess.run([guardpost, "inventory", "--no-config", path], capture_output=True, text=True)
    inv = json.loads(out.stdout)
    return sorted(f["path"] for f in inv["files"] if f.get("format") == "cloudformation")


# ------------------------------------------------------------------------------------------------
# Report helpers


def mb(n):
    return n / 1_000_000.0


def row(name, m, nbytes=None, resources=None, note=""):
    b = m["best"]
    r = {"name": name, "wall_s": b["wall"], "cpu_s": b["cpu"], "rss_mb": m["max_rss_mb"], "rc": b["rc"],
         "load": m["load_range"], "runs": len(m["runs"]), "median_wall_s": m["median_wall"], "note": note,
         "cmd": " ".join(m["cmd"])}
    if nbytes is not None:
        r["bytes"] = nbytes
        r["mb_per_s"] = mb(nbytes) / b["wall"] if b["wall"] > 0 else None
    if resources is not None:
        r["resources"] = resources
        r["resources_per_s"] = resources / b["wall"] if b["wall"] > 0 else None
    return r


def fmt(x, digits=2):
    if x is None:
        return "-"
    if isinstance(x, float):
        if x >= 100:
            return f"{x:,.0f}"
        return f"{x:.{digits}f}"
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


def rel(path):
    try:
        r = os.path.relpath(path, ROOT)
        return r if not r.startswith("../../") else path
    except ValueError:
        return path


# ------------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--guardpost", required=True)
    ap.add_argument("--yaml-events", required=True, help="the compiled bench/yaml_events.c")
    ap.add_argument("--measure", required=True, help="the compiled bench/measure.c")
    ap.add_argument("--data", required=True, help="generated inputs (.bench-data)")
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus"))
    ap.add_argument("--scales", default="100,1000,10000,100000")
    ap.add_argument("--checkov", default=None, help="checkov executable (omit to skip)")
    ap.add_argument("--cfn-lint", default=None, help="cfn-lint executable (omit to skip)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", required=True, help="folder for results.json and results.md")
    args = ap.parse_args()
    global MEASURE
    MEASURE = os.path.abspath(args.measure)
    gp = os.path.abspath(args.guardpost)
    data = os.path.abspath(args.data)
    corpus = os.path.normpath(os.path.abspath(args.corpus))
    os.makedirs(args.out, exist_ok=True)
    scales = [int(s) for s in args.scales.split(",") if s]
    rows = {}
    targets = []
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")

    def log(msg):
        print(f"[bench {time.strftime('%H:%M:%S')} load {os.getloadavg()[0]:.2f}] {msg}", file=sys.stderr, flush=True)

    # 1. Scales
    scale_rows = []
    for n in scales:
        d = os.path.join(data, f"s{n}")
        man = json.load(open(os.path.join(d, "manifest.json")))
        nbytes = input_bytes([d])
        log(f"scale {n}: {man['files']} files, {mb(nbytes):.1f} MB")
        runs = args.runs if n <= 10000 else max(2, args.runs - 1)
        m = measure([gp, "scan", d], runs=runs)
        r = row(f"scale {n:,}", m, nbytes, man["resources"], note=f"{man['files']} files, {man['clusters']} clusters")
        r["scale"] = n
        scale_rows.append(r)
    rows["scales"] = scale_rows

    # 2. Workers: --jobs 1 vs --jobs 2 on the scales with many files
    jobs_rows = []
    for n in [s for s in scales if s >= 10000]:
        d = os.path.join(data, f"s{n}")
        nbytes = input_bytes([d])
        log(f"jobs 1 vs 2 on scale {n}")
        m1, m2 = measure_interleaved([[gp, "scan", "--jobs", "1", d], [gp, "scan", "--jobs", "2", d]], runs=args.runs)
        r1 = row(f"scale {n:,} --jobs 1", m1, nbytes)
        r2 = row(f"scale {n:,} --jobs 2", m2, nbytes)
        r2["speedup"] = r1["wall_s"] / r2["wall_s"]
        jobs_rows += [r1, r2]
    rows["jobs"] = jobs_rows

    # 3. YAML throughput against libyaml's event parser (single-threaded, same file, same run)
    yf = os.path.join(data, "yaml", "k8s-7.5mb.yaml")
    ybytes = os.path.getsize(yf)
    yres = count_resources([yf])
    log("YAML: libyaml events vs guardpost --jobs 1")
    ml, mg = measure_interleaved([[os.path.abspath(args.yaml_events), yf], [gp, "scan", "--no-config", "--jobs", "1", yf]],
                                 runs=max(7, args.runs))
    rl = row("libyaml events only (C)", ml, ybytes, yres)
    rg = row("guardpost scan --jobs 1", mg, ybytes, yres)
    rg["ratio_to_libyaml"] = rg["mb_per_s"] / rl["mb_per_s"]
    rows["yaml"] = [rl, rg]

    # 4. Pre-commit: one small file, process start to exit
    small = [os.path.join(data, "s100", "cloudformation", "eks-00000.yaml"), os.path.join(ROOT, "samples", "terraform-broken", "plan.json")]
    pre = []
    for f in small:
        log(f"pre-commit {rel(f)}")
        m = measure([gp, "scan", f], runs=30)
        r = row(f"pre-commit: {rel(f)}", m, os.path.getsize(f))
        pre.append(r)
    rows["precommit"] = pre

    # 5. Corpus
    if os.path.isdir(corpus):
        nbytes = input_bytes([corpus])
        res = count_resources([corpus])
        log("corpus")
        m1, m = measure_interleaved([[gp, "scan", "--jobs", "1", corpus], [gp, "scan", "--jobs", "2", corpus]], runs=args.runs)
        rows["corpus"] = [row("../shared/corpus --jobs 2", m, nbytes, res), row("../shared/corpus --jobs 1", m1, nbytes, res)]
        rows["corpus"][0]["speedup"] = rows["corpus"][1]["wall_s"] / rows["corpus"][0]["wall_s"]

    # 6. Pathological inputs
    path_rows = []
    pdir = os.path.join(data, "pathological")
    for f in sorted(os.listdir(pdir)):
        if f == "manifest.json":
            continue
        p = os.path.join(pdir, f)
        log(f"pathological {f}")
        m = measure([gp, "scan", "--no-config", "--jobs", "1", p], runs=args.runs, timeout=120)
        r = row(f, m, os.path.getsize(p))
        r["error"] = m["best"]["stderr"].strip()[-300:]
        path_rows.append(r)
    rows["pathological"] = path_rows

    # 7. Side by side with checkov and cfn-lint (same inputs)
    cmp_rows = []
    if args.checkov:
        ck = os.path.abspath(args.checkov)
        head = os.path.join(data, "yaml", "k8s-400kb.yaml")
        hb = os.path.getsize(head)
        hres = count_resources([head])
        log("checkov on the first 400 KB of the YAML file")
        mc = measure([ck, "--quiet", "--compact", "--skip-download", "--framework", "kubernetes", "-f", head], runs=2, timeout=1800)
        mg = measure([gp, "scan", "--no-config", head], runs=5)
        cmp_rows.append({"input": f"{rel(head)} ({hb / 1000:.0f} KB, {hres} objects)", "tool": "checkov",
                         "other": row("checkov", mc, hb, hres), "guardpost": row("guardpost", mg, hb, hres)})
        for n in [s for s in scales if s <= 1000]:
            d = os.path.join(data, f"s{n}")
            nb = input_bytes([d])
            man = json.load(open(os.path.join(d, "manifest.json")))
            log(f"checkov on scale {n}")
            mc = measure([ck, "--quiet", "--compact", "--skip-download", "--framework", "terraform_plan", "cloudformation", "kubernetes", "-d", d],
                         runs=1 if n >= 1000 else 2, timeout=3600)
            mg = measure([gp, "scan", d], runs=5)
            cmp_rows.append({"input": f"scale {n:,} ({mb(nb):.1f} MB, {man['resources']} resources)", "tool": "checkov",
                             "other": row("checkov", mc, nb, man["resources"]), "guardpost": row("guardpost", mg, nb, man["resources"])})
    if args.cfn_lint:
        cl = args.cfn_lint
        sets = []
        if os.path.isdir(corpus):
            sets.append(("../shared/corpus CloudFormation templates", cloudformation_files(gp, corpus)))
        if 1000 in scales:
            d = os.path.join(data, "s1000", "cloudformation")
            sets.append(("scale 1,000 CloudFormation templates", sorted(os.path.join(d, f) for f in os.listdir(d))))
        for label, files in sets:
            nb = sum(os.path.getsize(f) for f in files)
            res = count_resources(files)
            log(f"cfn-lint on {label}")
            mc = measure([cl, "--"] + files, runs=2, timeout=3600, ok_codes=tuple(range(0, 64)))
            mg = measure([gp, "scan", "--no-config"] + files, runs=5)
            cmp_rows.append({"input": f"{label} ({len(files)} files, {nb / 1000:.0f} KB, {res} resources)", "tool": "cfn-lint",
                             "other": row("cfn-lint", mc, nb, res), "guardpost": row("guardpost", mg, nb, res)})
    for c in cmp_rows:
        c["wall_ratio"] = c["other"]["wall_s"] / c["guardpost"]["wall_s"]
        c["cpu_ratio"] = c["other"]["cpu_s"] / c["guardpost"]["cpu_s"] if c["guardpost"]["cpu_s"] > 0 else None
        c["rss_ratio"] = c["other"]["rss_mb"] / c["guardpost"]["rss_mb"]
    rows["comparisons"] = cmp_rows

    # Targets
    def target(name, goal, measured, met, detail=""):
        targets.append({"target": name, "goal": goal, "measured": measured, "met": bool(met), "detail": detail})

    y = rows["yaml"]
    target("YAML throughput vs libyaml events (single-threaded)", ">= 0.5x libyaml's MB/s",
           f"{y[1]['ratio_to_libyaml']:.2f}x ({fmt(y[1]['mb_per_s'])} vs {fmt(y[0]['mb_per_s'])} MB/s)", y[1]["ratio_to_libyaml"] >= 0.5)
    for i in range(0, len(jobs_rows), 2):
        s = jobs_rows[i + 1]["speedup"]
        target(f"Both cores: {jobs_rows[i]['name'].replace(' --jobs 1', '')}, --jobs 1 / --jobs 2", ">= 1.7x",
               f"{s:.2f}x ({fmt(jobs_rows[i]['wall_s'])} s / {fmt(jobs_rows[i + 1]['wall_s'])} s)", s >= 1.7)
    by_scale = {r["scale"]: r for r in scale_rows}
    if 10000 in by_scale and 100000 in by_scale:
        g = by_scale[100000]["wall_s"] / by_scale[10000]["wall_s"]
        gc = by_scale[100000]["cpu_s"] / by_scale[10000]["cpu_s"]
        target("Linear growth: 100 000 vs 10 000 resources", "<= 11x time",
               f"{g:.2f}x wall, {gc:.2f}x CPU", g <= 11)
    if rows.get("corpus"):
        s = rows["corpus"][0]["speedup"]
        target("Both cores: ../shared/corpus, --jobs 1 / --jobs 2", ">= 1.7x",
               f"{s:.2f}x ({fmt(rows['corpus'][1]['wall_s'])} s / {fmt(rows['corpus'][0]['wall_s'])} s)", s >= 1.7)
    for r in scale_rows + rows["yaml"][1:] + rows.get("corpus", [])[:1]:
        limit = 3 * mb(r["bytes"]) + 50
        target(f"Peak memory: {r['name']}", "<= 3x input + 50 MB", f"{fmt(r['rss_mb'])} MB (limit {fmt(limit)} MB)", r["rss_mb"] <= limit)
    for r in pre:
        target(f"Pre-commit, one small file: {r['name'].split(': ', 1)[1]}", "< 20 ms",
               f"{r['wall_s'] * 1000:.1f} ms best, {r['median_wall_s'] * 1000:.1f} ms median", r["median_wall_s"] < 0.020)
    for c in cmp_rows:
        target(f"vs {c['tool']}: {c['input']}", ">= 100x faster", f"{c['wall_ratio']:.0f}x wall, {c['cpu_ratio']:.0f}x CPU",
               c["wall_ratio"] >= 100)
    for r in path_rows:
        limit = 3 * mb(r["bytes"]) + 50
        bounded = not r.get("timed_out") and r["wall_s"] < 10 and r["rss_mb"] <= limit and r["rc"] in (0, 1)
        target(f"Pathological: {r['name']}", "bounded: < 10 s, <= 3x input + 50 MB, no crash",
               f"{fmt(r['wall_s'])} s, {fmt(r['rss_mb'])} MB, exit {r['rc']}", bounded)

    machine = {
        "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor()),
        "cores": CORES,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "kernel": platform.release(),
        "swift": subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.strip().splitlines()[0] if shutil_which("swift") else "",
        "libyaml": subprocess.run(["pkg-config", "--modversion", "yaml-0.1"], capture_output=True, text=True).stdout.strip(),
        "started": started, "finished": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "uptime_at_end": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
    }
    if args.checkov:
        machine["checkov"] = subprocess.run([args.checkov, "--version"], capture_output=True, text=True).stdout.strip()
    if args.cfn_lint:
        machine["cfn-lint"] = subprocess.run([args.cfn_lint, "--version"], capture_output=True, text=True).stdout.strip()
    result = {"machine": machine, "rows": rows, "targets": targets}
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(result, f, indent=2)
    md = render(result)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(md)
    print(md)


def shutil_which(x):
    import shutil
    return shutil.which(x)


def render(res):
    m = res["machine"]
    rows = res["rows"]
    out = []
    out.append(f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM, Linux {m['kernel']}; {m['swift']}; libyaml {m['libyaml']}"
               + (f"; checkov {m['checkov']}" if "checkov" in m else "") + (f"; {m['cfn-lint']}" if "cfn-lint" in m else "") + ".")
    out.append(f"Run {m['started']} .. {m['finished']}; at the end: `{m['uptime_at_end']}`.")
    out.append("")
    out.append("### Targets\n")
    out.append("| target | goal | measured | met |")
    out.append("| --- | --- | --- | --- |")
    for t in res["targets"]:
        out.append(f"| {t['target']} | {t['goal']} | {t['measured']} | {'met' if t['met'] else '**not met**'} |")
    out.append("")

    def table(title, rs, extra=None):
        out.append(f"### {title}\n")
        head = "| input | wall s | CPU s | MB/s | resources/s | peak RSS MB | load (1 min) | runs |"
        sep = "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |"
        if extra:
            head += f" {extra[0]} |"
            sep += " ---: |"
        out.append(head)
        out.append(sep)
        for r in rs:
            name = r["name"]
            if "bytes" in r:
                name += f" ({r['bytes'] / 1e6:.2f} MB" + (f", {r['resources']:,} resources" if "resources" in r else "") + ")"
            line = (f"| {name} | {fmt(r['wall_s'], 3)} | {fmt(r['cpu_s'], 3)} | {fmt(r.get('mb_per_s'))} | {fmt(r.get('resources_per_s'))} | "
                    f"{fmt(r['rss_mb'], 1)} | {r['load'][0]:.1f}-{r['load'][1]:.1f} | {r['runs']} |")
            if extra:
                v = r.get(extra[1])
                line += f" {fmt(v) + 'x' if v is not None else ''} |"
            out.append(line)
        out.append("")

    table("Scales (`guardpost scan DIR`, default workers)", rows["scales"])
    if rows["jobs"]:
        table("Workers (`--jobs 1` vs `--jobs 2`)", rows["jobs"], ("speedup", "speedup"))
    table("YAML: guardpost end to end vs libyaml's event parser alone", rows["yaml"], ("vs libyaml", "ratio_to_libyaml"))
    table("Pre-commit: one small file, process start to exit (30 runs)", rows["precommit"])
    if rows.get("corpus"):
        table("../shared/corpus", rows["corpus"])
    table("Pathological inputs (`--jobs 1`)", rows["pathological"])
    if rows["comparisons"]:
        out.append("### Side by side (same inputs)\n")
        out.append("| input | tool | tool wall s | tool CPU s | tool RSS MB | guardpost wall s | guardpost CPU s | guardpost RSS MB | wall ratio | CPU ratio |")
        out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for c in rows["comparisons"]:
            o, g = c["other"], c["guardpost"]
            out.append(f"| {c['input']} | {c['tool']} | {fmt(o['wall_s'])} | {fmt(o['cpu_s'])} | {fmt(o['rss_mb'], 0)} | {fmt(g['wall_s'], 3)} | "
                       f"{fmt(g['cpu_s'], 3)} | {fmt(g['rss_mb'], 0)} | {c['wall_ratio']:.0f}x | {fmt(c['cpu_ratio'], 0)}x |")
        out.append("")
    errs = [r for r in rows["pathological"] if r.get("error")]
    if errs:
        out.append("Pathological inputs, last line of standard error:\n")
        for r in errs:
            last = r["error"].strip().splitlines()[-1] if r["error"].strip() else ""
            out.append(f"- `{r['name']}`: {last}")
        out.append("")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
