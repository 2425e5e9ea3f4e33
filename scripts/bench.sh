#!/usr/bin/env bash
# guardpost benchmark: release build, inputs at 100 / 1 000 / 10 000 / 100 000 resources, ../shared/corpus,
# the libyaml reference, pathological inputs, and side-by-side runs of checkov and cfn-lint.
#
#   scripts/bench.sh                 # everything (about 15 minutes on 2 cores, most of it checkov)
#   scripts/bench.sh --quick         # 100 / 1 000 / 10 000 only, no checkov / cfn-lint
#   scripts/bench.sh --no-compare    # skip checkov and cfn-lint
#   BENCH_RUNS=5 scripts/bench.sh    # repetitions per measurement (default 3)
#
# Inputs, tools and results go to .bench-data/ (gitignored): results in .bench-data/results/results.md
# and results.json. Nothing is written elsewhere except the release build in .build-release/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DATA="$ROOT/.bench-data"
SCALES="100,1000,10000,100000"
COMPARE=1
for arg in "$@"; do
  case "$arg" in
    --quick) SCALES="100,1000,10000"; COMPARE=0 ;;
    --no-compare) COMPARE=0 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done
mkdir -p "$DATA/bin"
log() { echo "[bench] $*  (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2; }

# 1. guardpost, release build (its own scratch path so that debug builds are not disturbed)
log "swift build -c release --scratch-path .build-release"
swift build -c release --scratch-path .build-release --product guardpost >&2
GUARDPOST="$ROOT/.build-release/release/guardpost"

# 2. The physical limit for YAML: libyaml's event parser alone (bench/yaml_events.c)
pkg-config --exists yaml-0.1 || { echo "libyaml-dev is needed (apt-get install libyaml-dev)" >&2; exit 1; }
log "cc bench/yaml_events.c"
cc -O2 -o "$DATA/bin/yaml-events" bench/yaml_events.c $(pkg-config --cflags --libs yaml-0.1)
cc -O2 -o "$DATA/bin/measure" bench/measure.c

# 3. Inputs (generated once; delete .bench-data/s* to regenerate)
IFS=',' read -r -a scale_list <<< "$SCALES"
for n in "${scale_list[@]}"; do
  if [ ! -f "$DATA/s$n/manifest.json" ]; then
    log "generating $n resources"
    rm -rf "$DATA/s$n"
    python3 bench/generate.py scale --resources "$n" --out "$DATA/s$n" >&2
  fi
done
if [ ! -f "$DATA/yaml/k8s-7.5mb.yaml" ]; then
  log "generating the 7.5 MB multi-document Kubernetes file"
  python3 bench/generate.py yaml --megabytes 7.5 --out "$DATA/yaml/k8s-7.5mb.yaml" >&2
fi
if [ ! -f "$DATA/yaml/k8s-400kb.yaml" ]; then
  python3 bench/generate.py head --kilobytes 400 --src "$DATA/yaml/k8s-7.5mb.yaml" --out "$DATA/yaml/k8s-400kb.yaml" >&2
fi
if [ ! -f "$DATA/pathological/manifest.json" ]; then
  log "generating pathological inputs"
  python3 bench/generate.py pathological --out "$DATA/pathological" >&2
fi

# 4. checkov (from PyPI, in a virtualenv under .bench-data) and cfn-lint (preinstalled, else PyPI)
COMPARE_ARGS=()
if [ "$COMPARE" = 1 ]; then
  if [ ! -x "$DATA/venv/bin/checkov" ]; then
    log "pip install checkov (into .bench-data/venv)"
    python3 -m venv "$DATA/venv" >&2 && "$DATA/venv/bin/pip" install -q checkov >&2 \
      || echo "[bench] checkov could not be installed; the checkov comparison is skipped" >&2
  fi
  [ -x "$DATA/venv/bin/checkov" ] && COMPARE_ARGS+=(--checkov "$DATA/venv/bin/checkov")
  CFN_LINT=$(command -v cfn-lint || true)
  if [ -z "$CFN_LINT" ]; then
    python3 -m venv "$DATA/venv-cfn" >&2 && "$DATA/venv-cfn/bin/pip" install -q cfn-lint >&2 && CFN_LINT="$DATA/venv-cfn/bin/cfn-lint" || true
  fi
  [ -n "$CFN_LINT" ] && COMPARE_ARGS+=(--cfn-lint "$CFN_LINT")
fi

# 5. Measure
log "measuring"
python3 bench/run.py --guardpost "$GUARDPOST" --yaml-events "$DATA/bin/yaml-events" --measure "$DATA/bin/measure" --data "$DATA" \
  --scales "$SCALES" --runs "${BENCH_RUNS:-3}" --out "$DATA/results" "${COMPARE_ARGS[@]}"
log "done: $DATA/results/results.md"
