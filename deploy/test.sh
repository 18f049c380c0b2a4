#!/usr/bin/env bash
# Runs the whole EdgeLab test suite: installs missing Debian packages, builds, runs every test project
# (unit tests and integration tests against real Mosquitto, PostgreSQL, socat pseudo-terminals), and prints
# "N passed, N failed" at the end. Exit code 0 only when every test passed.
# Usage: deploy/test.sh [--filter EXPRESSION]   (extra arguments go to `dotnet test`)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then sed -n '2,5p' "$0" | sed 's/^# //'; exit 0; fi

deploy/install-deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export EDGELAB_ARTIFACTS="${EDGELAB_ARTIFACTS:-$PWD/artifacts}"

echo "edgelab: building (artifacts in $EDGELAB_ARTIFACTS)"
dotnet build EdgeLab.sln -v q -nologo -clp:NoSummary

# The Native AOT gateway is the build that meets the footprint target (gateway/ARCHITECTURE.md "Footprint"), so it is
# built and checked on every run: tests/EdgeLab.Gateway.Tests/NativeAot compare it with the JIT build (about 3 min on
# 2 cores). Give EDGELAB_GATEWAY_AOT_EXE to test an executable built before instead.
if [[ -z "${EDGELAB_GATEWAY_AOT_EXE:-}" && "$(uname -m)" == "x86_64" ]]; then
  echo "edgelab: publishing the Native AOT gateway (deploy/publish-gateway.sh --aot)"
  deploy/publish-gateway.sh --aot linux-x64 "$EDGELAB_ARTIFACTS/gateway-aot"
  export EDGELAB_GATEWAY_AOT_EXE="$EDGELAB_ARTIFACTS/gateway-aot/edgelab-gateway"
fi

echo "edgelab: checking formatting (dotnet format --verify-no-changes)"
dotnet format EdgeLab.sln --verify-no-changes --no-restore -v q

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "edgelab: running tests"
set +e
dotnet test EdgeLab.sln --no-build -nologo -v q --logger "console;verbosity=minimal" --blame-hang-timeout 5m --blame-hang-dump-type none "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line for people and for CI: sum the per-assembly summaries.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
