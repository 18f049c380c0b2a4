#!/usr/bin/env bash
# Runs EdgeLab's benchmarks in Release and prints each figure beside its peer as a ratio.
# Usage: bench/run.sh [all|decode|link|hl7|mqtt|outbox|stat|ingest|e2e|pages|fleet-console|footprint ...] | chaos|soak [options] | fuzz [options]
#        (default: all, which leaves out chaos, soak and fuzz; --help lists them; bench/run.sh chaos --help)
# Needs what the tests need plus node/npm for the MQTT.js peer (installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
# Fuzzing has its own driver (afl-fuzz over instrumented assemblies) and options: bench/run.sh fuzz --help.
if [[ "${1:-}" == "fuzz" ]]; then shift; exec bench/fuzz/fuzz.sh "$@"; fi
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,5p' "$0" | sed 's/^# //'
  cat <<'TEXT'
  decode link hl7   parser throughput          mqtt     our MQTT client vs MQTTnet and MQTT.js
  outbox            gateway outbox drain       ingest   hub ingest on SQLite and PostgreSQL
  stat              STAT vs routine latency while a 100k backlog drains: stand-in peer, then the real hub
                    to its database commit on SQLite and PostgreSQL (EDGELAB_STAT_BACKLOG=N)
  e2e               end-to-end latency, analyzer's last frame -> FHIR, at 1/50/300 analyzers
                    (real Mosquitto, hub, gateways, simulator; EDGELAB_E2E_LEVELS=1,50 runs some levels)
  fleet-console     1,000 gateway stand-ins (status every 30 s, retained) on real Mosquitto and the hub: hub CPU per
                    status, /fleet page load p50/p95 vs 300 ms (EDGELAB_FLEET_GATEWAYS=N, EDGELAB_FLEET_SECONDS=S)
  footprint         gateway memory and start time
  archive-import    800,000-card archive inventory import on SQLite and PostgreSQL (cards/s, seconds; ≤ 60 s each)
  pages             lab console pages (worklist, clinic list, cumulative) p50/p95 with 1M results, SQLite and PostgreSQL
  chaos             3 hub nodes on PostgreSQL under load, ≥ 20 SIGKILLs/SIGSTOPs of random nodes: ingest resumed,
                    grain work moved, declared dead, rejoined, beside a no-fault peer; 0 lost/doubled
                    (--kills N --duration S --seed N; bench/run.sh chaos --help; not part of all)
  soak              the same cluster under steady load for 10 min (--duration S): membership events, 0 false deaths,
                    ingest/order/webhook latency per minute (not part of all)
  fuzz              afl-fuzz over the six parsers of issue 9 (bench/run.sh fuzz --help; not part of all)
TEXT
  exit 0
fi
deploy/install-deps.sh --bench
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export EDGELAB_ARTIFACTS="${EDGELAB_ARTIFACTS:-$PWD/artifacts}"
dotnet build bench/EdgeLab.Bench -c Release -v q -nologo -clp:NoSummary
echo "edgelab bench on $(nproc) cores, $(uname -m), $(date -u +%FT%TZ); command: bench/run.sh $*"
exec dotnet "$EDGELAB_ARTIFACTS/bin/EdgeLab.Bench/release/edgelab-bench.dll" "${@:-all}"
