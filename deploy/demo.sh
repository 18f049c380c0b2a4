#!/usr/bin/env bash
# Runs the EdgeLab end-to-end demo on this machine: Mosquitto, the hub, one gateway and two simulated analyzers
# (ASTM over a pseudo-terminal serial line, HL7 over TCP). Prints each step with timings, the FHIR base URL and an
# EMR bearer token, and runs until Ctrl-C. Installs missing Debian packages and builds first.
# Usage: deploy/demo.sh [--once] [--help]   (--once: exit 0 when the first result is visible in the FHIR API)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then sed -n '2,5p' "$0" | sed 's/^# //'; exit 0; fi

deploy/install-deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export EDGELAB_ARTIFACTS="${EDGELAB_ARTIFACTS:-$PWD/artifacts}"
echo "edgelab: building"
dotnet build EdgeLab.sln -v q -nologo -clp:NoSummary
exec dotnet "$EDGELAB_ARTIFACTS/bin/EdgeLab.Demo/debug/edgelab-demo.dll" --repo "$PWD" "$@"
