#!/usr/bin/env bash
# Installs the optional tools some tests use (each test skips with a message when its tool is missing):
# - jsonschema (PyPI): validates SARIF output against the official 2.1.0 schema
# - regopy (PyPI): runs a Gatekeeper template's own Rego as a reference
# - chromium (Debian): renders the HTML report headlessly
# - python-hcl2 (PyPI): reference HCL parser for the .tf differential test (scripts/hcl-reference.py)
set -u
pip install -q jsonschema regopy 2>/dev/null || pip install -q jsonschema || true
pip install -q "python-hcl2==8.1.4" 2>/dev/null || echo "python-hcl2 not installed; the HCL differential test will skip"
if ! command -v chromium >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1 || echo "chromium not installed; HTML browser test will skip"
fi
exit 0
