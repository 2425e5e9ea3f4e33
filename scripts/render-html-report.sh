#!/usr/bin/env bash
# Builds guardpost, renders the HTML coverage report of each sample, and opens every report in
# headless Chromium (Debian's `chromium` package; scripts/install-test-tools.sh installs it), offline:
#   - checks that the page's script ran and that a filter given in the URL fragment
#     (#status=UNHEALTHY) leaves exactly the Unhealthy clusters visible;
#   - saves a screenshot of the report, and of the filtered view.
#
# Usage: scripts/render-html-report.sh [OUTPUT_DIR] [SAMPLE...]
#   OUTPUT_DIR defaults to .build/html-report; SAMPLE names folders of samples/ (default: every sample
#   with clusters). Exit code: 0 all good, 1 a check failed, 2 a tool is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-.build/html-report}"
shift || true
samples=("$@")
if [ ${#samples[@]} -eq 0 ]; then
  samples=(terraform-healthy terraform-broken cloudformation-healthy cloudformation-broken multi-account)
fi

chromium=""
for c in chromium chromium-browser google-chrome; do
  if command -v "$c" >/dev/null 2>&1; then chromium="$(command -v "$c")"; break; fi
done
if [ -z "$chromium" ]; then
  echo "headless Chromium not found: run scripts/install-test-tools.sh (apt-get install chromium)" >&2
  exit 2
fi

swift build >/dev/null
guardpost="$(swift build --show-bin-path)/guardpost"
mkdir -p "$out"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT

# No network: a file:// page with a Content-Security-Policy of its own, and no background services.
browse() {
  "$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --no-default-browser-check \
    --disable-extensions --disable-background-networking --disable-component-update --disable-sync --disable-default-apps \
    --no-proxy-server --hide-scrollbars --user-data-dir="$profile" --virtual-time-budget=5000 "$@" 2>/dev/null
}

failed=0
for s in "${samples[@]}"; do
  html="$out/$s.html"
  # Exit code 1 only says the scan has findings.
  "$guardpost" scan "samples/$s" --format html --output "$html" || [ $? -eq 1 ]
  url="file://$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"

  dom="$(browse --dump-dom "$url#status=UNHEALTHY")"
  rows="$(printf '%s' "$dom" | grep -o '<tr id="c-[0-9]*"[^>]*>' || true)"
  total="$(printf '%s' "$rows" | grep -c 'data-status=' || true)"
  unhealthy="$(printf '%s' "$rows" | grep -c 'data-status="UNHEALTHY"' || true)"
  visible="$(printf '%s' "$rows" | grep -v ' hidden' | grep -c 'data-status=' || true)"
  visible_unhealthy="$(printf '%s' "$rows" | grep -v ' hidden' | grep -c 'data-status="UNHEALTHY"' || true)"
  if ! printf '%s' "$dom" | grep -q '<body[^>]*data-ready="1"'; then
    echo "FAIL $s: the report's script did not run" >&2; failed=1
  elif [ "$visible" != "$unhealthy" ] || [ "$visible_unhealthy" != "$unhealthy" ]; then
    echo "FAIL $s: #status=UNHEALTHY shows $visible rows, expected the $unhealthy Unhealthy of $total" >&2; failed=1
  else
    echo "ok   $s: $total clusters, #status=UNHEALTHY shows $visible"
  fi

  browse --window-size=1400,1300 --screenshot="$out/$s.png" "$url" >/dev/null
  browse --window-size=1400,1300 --screenshot="$out/$s-unhealthy.png" "$url#status=UNHEALTHY" >/dev/null
  echo "     $html, $out/$s.png, $out/$s-unhealthy.png"
done
exit "$failed"
