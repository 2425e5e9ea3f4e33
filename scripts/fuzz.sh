#!/usr/bin/env bash
# Builds and runs guardpost's libFuzzer targets (fuzz/README.md describes each target and the last results).
#
# Usage: scripts/fuzz.sh [--build-only] [--seconds N] [TARGET...]
#   TARGET: json yaml hcl cfn loaders kyverno-pattern jmespath admission scan (default: all, one after another)
#   --seconds N / FUZZ_SECONDS=N   time per target (default 180)
#   FUZZ_ARGS="..."                extra libFuzzer flags (e.g. FUZZ_ARGS=-jobs=2)
#
# Each target is built with `swiftc -sanitize=fuzzer,address` from the module sources (no SwiftPM), into
# .build-fuzz/ (gitignored). Seeds come from samples/ and, when present, ../shared/corpus (copied into
# .build-fuzz/seeds/, never into the repository) plus fuzz/seeds/. Inputs that found new coverage
# accumulate in .build-fuzz/corpus/TARGET; crashes, timeouts and out-of-memory inputs are written to
# .build-fuzz/artifacts/TARGET/. The last lines printed are a table: executions and findings per target.
# Exit status: 0 when no target found anything, 1 otherwise, 2 on a build or usage error.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/.build-fuzz"
corpus_root="$root/../shared/corpus"
seconds="${FUZZ_SECONDS:-180}"
build_only=0
all_targets=(json yaml hcl cfn loaders kyverno-pattern jmespath admission scan)
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-only) build_only=1 ;;
    --seconds) seconds="$2"; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  case " ${all_targets[*]} " in *" $t "*) ;; *) echo "fuzz.sh: unknown target '$t' (targets: ${all_targets[*]})" >&2; exit 2 ;; esac
done

obj="$out/obj"
mkdir -p "$obj" "$out/bin" "$out/logs"
flags=(-parse-as-library -O -sanitize=fuzzer,address -I "$obj" -I "$root/Sources/CYAML")

# Module name -> the modules it imports (build order matters).
modules=(GuardpostDocuments GuardpostModel GuardpostKnowledge GuardpostAdmission GuardpostChecks GuardpostReports)
build_module() { # module, then the modules built before it (it may import them)
  local m="$1" sources stamp="$obj/$1.o" dep stale=0
  shift
  sources=$(find "$root/Sources/$m" -name '*.swift' | LC_ALL=C sort)
  [ -f "$stamp" ] || stale=1
  [ "$stale" = 1 ] || [ -z "$(find "$root/Sources/$m" -name '*.swift' -newer "$stamp")" ] || stale=1
  for dep in "$@"; do [ "$stale" = 1 ] || [ ! "$obj/$dep.o" -nt "$stamp" ] || stale=1; done
  [ "$stale" = 1 ] || return 0
  echo "fuzz.sh: compiling $m (instrumented)"
  # shellcheck disable=SC2086
  swiftc "${flags[@]}" -wmo -enable-testing -module-name "$m" -emit-module -emit-module-path "$obj/$m.swiftmodule" \
    -c -o "$stamp" $sources 2> >(grep -v "Cannot export local symbol" >&2)
}

# Target -> the modules it links.
target_modules() {
  case "$1" in
    json|yaml) echo GuardpostDocuments ;;
    cfn|loaders) echo GuardpostDocuments GuardpostModel ;;
    scan) echo GuardpostDocuments GuardpostModel GuardpostKnowledge GuardpostAdmission GuardpostChecks GuardpostReports ;;
    *) echo GuardpostDocuments GuardpostModel GuardpostKnowledge GuardpostAdmission ;;
  esac
}

build_target() {
  local t="$1" bin="$out/bin/fuzz-$1" objs=()
  for m in $(target_modules "$t"); do objs+=("$obj/$m.o"); done
  if [ -f "$bin" ] && [ -z "$(find "$root/fuzz/targets" "${objs[@]}" -newer "$bin" | head -1)" ]; then return 0; fi
  echo "fuzz.sh: linking fuzz-$t"
  swiftc "${flags[@]}" "$root/fuzz/targets/common.swift" "$root/fuzz/targets/$t.swift" "${objs[@]}" -lyaml -o "$bin" \
    2> >(grep -v "Cannot export local symbol" >&2)
}

# Seeds: copies (named by content hash) of matching files under the given folders.
add_seeds() { # dir max_bytes find-expression...
  local dest="$1" max="$2"; shift 2
  local src
  for src in "$root/samples" "$corpus_root"; do
    [ -d "$src" ] || continue
    find "$src" -type f -size -"${max}"c \( "$@" \) -print0 | while IFS= read -r -d '' f; do
      cp "$f" "$dest/$(md5sum < "$f" | cut -c1-16)"
    done
  done
}

prepare_seeds() {
  local t="$1" dest="$out/seeds/$1"
  rm -rf "$dest"; mkdir -p "$dest"
  [ -d "$root/fuzz/seeds/$t" ] && cp "$root/fuzz/seeds/$t"/* "$dest"/ 2>/dev/null || true
  case "$t" in
    json) add_seeds "$dest" 262144 -name '*.json' ;;
    yaml) add_seeds "$dest" 65536 -name '*.yaml' -o -name '*.yml' ;;
    cfn) add_seeds "$dest" 131072 -path '*cloudformation*' \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' -o -name '*.template' \) ;;
    loaders) add_seeds "$dest" 262144 -name '*.json' ;;
    scan) add_seeds "$dest" 262144 \( -path '*samples*' -o -path '*plan*' -o -path '*cloudformation*' \) \( -name '*.json' -o -name '*.yaml' \) ;;
    kyverno-pattern) add_seeds "$dest" 65536 -path '*kyverno*' \( -name '*.yaml' -o -name '*.yml' \) ;;
    admission)
      add_seeds "$dest" 65536 -path '*kyverno__policies*' -name '*.yaml' ! -name 'kyverno-test.yaml'
      # Gatekeeper: each sample's constraint with its template (and the example resources).
      if [ -d "$corpus_root/open-policy-agent__gatekeeper-library/library" ]; then
        find "$corpus_root/open-policy-agent__gatekeeper-library/library" -name constraint.yaml | while IFS= read -r c; do
          local tdir; tdir="$(dirname "$(dirname "$(dirname "$c")")")"
          [ -f "$tdir/template.yaml" ] || continue
          { cat "$tdir/template.yaml"; printf '\n---\n'; cat "$c"; } > "$dest/gk-$(echo "$c" | md5sum | cut -c1-16)"
        done
      fi ;;
    jmespath)
      # Every {{ ... }} expression and jmesPath: value of the Kyverno policies, one per seed.
      if [ -d "$corpus_root/kyverno__policies" ]; then
        { grep -rhoE '\{\{[^}]+\}\}' "$corpus_root/kyverno__policies" --include='*.yaml' || true
          grep -rhoE 'jmesPath: *.*' "$corpus_root/kyverno__policies" --include='*.yaml' | sed -E 's/jmesPath: *//; s/^["'"'"']//; s/["'"'"']$//' || true
        } | LC_ALL=C sort -u | head -3000 | while IFS= read -r line; do
          printf '%s' "$line" > "$dest/$(printf '%s' "$line" | md5sum | cut -c1-16)"
        done
      fi ;;
  esac
  ls "$dest" | wc -l
}

built=()
for m in "${modules[@]}"; do
  build_module "$m" "${built[@]}" || { echo "fuzz.sh: building $m failed" >&2; exit 2; }
  built+=("$m")
done
for t in "${targets[@]}"; do
  [ "$t" = hcl ] || build_target "$t" || { echo "fuzz.sh: building fuzz-$t failed" >&2; exit 2; }
done
[ "$build_only" = 1 ] && { echo "fuzz.sh: built into $out/bin"; exit 0; }

summary=()
found=0
for t in "${targets[@]}"; do
  if [ "$t" = hcl ]; then
    echo "fuzz.sh: hcl: guardpost has no HCL parser yet (.tf files are found, counted and reported as unsupported, never parsed); nothing to fuzz"
    summary+=("$(printf '%-16s %8s %12s %10s %8s  %s' hcl - - - - 'no HCL parser exists')")
    continue
  fi
  nseeds=$(prepare_seeds "$t")
  corpus="$out/corpus/$t"; artifacts="$out/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  before=$(find "$artifacts" -type f | wc -l)
  max_len=65536; [ "$t" = jmespath ] && max_len=4096
  dict=(); [ -f "$root/fuzz/dict/$t.dict" ] && dict=(-dict="$root/fuzz/dict/$t.dict")
  log="$out/logs/$t.log"
  echo "fuzz.sh: running $t for ${seconds}s ($nseeds seeds, corpus $(find "$corpus" -type f | wc -l) units)"
  set +e
  # shellcheck disable=SC2086
  # No Swift runtime backtracer (libFuzzer reports the crash itself), no leak checking (global caches).
  SWIFT_BACKTRACE="enable=no" ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:${ASAN_OPTIONS:-}" \
    "$out/bin/fuzz-$t" "$corpus" "$out/seeds/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len="$max_len" -artifact_prefix="$artifacts/" -print_final_stats=1 "${dict[@]}" ${FUZZ_ARGS:-} > "$log" 2>&1
  status=$?
  set -e
  execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  rate=$(grep -m1 'stat::average_exec_per_sec' "$log" | awk '{print $2}')
  if [ -z "$execs" ]; then execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#'); fi
  after=$(find "$artifacts" -type f | wc -l)
  new=$((after - before))
  what="ok"
  if [ "$status" -ne 0 ] || [ "$new" -gt 0 ]; then
    found=1
    what="FOUND: $(grep -m1 -E 'ERROR: (AddressSanitizer|libFuzzer)|Fatal error|deadly signal' "$log" | cut -c1-80) (see $log, $artifacts)"
  fi
  summary+=("$(printf '%-16s %8s %12s %10s %8s  %s' "$t" "${seconds}s" "${execs:-?}" "${rate:-?}" "$new" "$what")")
done

echo
printf '%-16s %8s %12s %10s %8s  %s\n' target time executions "exec/s" findings result
for line in "${summary[@]}"; do echo "$line"; done
exit "$found"
