#!/usr/bin/env bash
# Fuzzes EdgeLab's six parsers with afl-fuzz (Debian's afl++) over SharpFuzz-instrumented assemblies, then prints per
# target: inputs run, crashes, hangs, paths found, bitmap coverage, execs/s. Crashing inputs stay in the output folder.
# Usage: bench/run.sh fuzz [--inputs N] [--timeout-ms T] [--no-afl] [target ...]   (default: 1000000 inputs, all targets)
set -euo pipefail
cd "$(dirname "$0")/../.."
inputs=1000000; timeout_ms=10000; use_afl=1; max_seconds=""; targets=()
while (($#)); do
  case "$1" in
    -h|--help)
      sed -n '2,4p' "$0" | sed 's/^# //'
      cat <<'TEXT'
  targets     astm-frames lis2-records hl7 mqtt-packets payload-triage fhir-transaction
  --inputs N  executions per target (afl-fuzz -E N); default 1000000
  --timeout-ms T  per-input limit: a run longer than this is a hang (afl-fuzz -t; generous: the first input of a fresh child pays for JIT and loading on a busy machine); default 10000
  --max-seconds S  also stop each target after S seconds (afl-fuzz -V): the printed inputs say how far it got
  --no-afl    run the same targets through edgelab-fuzz's own in-process mutation loop instead of afl-fuzz
  Findings: $EDGELAB_ARTIFACTS/fuzz/out/<target>/default/{crashes,hangs}; replay one with
  dotnet $EDGELAB_ARTIFACTS/bin/EdgeLab.Fuzz/release/edgelab-fuzz.dll replay <target> <file|dir>
TEXT
      exit 0 ;;
    --inputs) inputs="$2"; shift 2 ;;
    --timeout-ms) timeout_ms="$2"; shift 2 ;;
    --max-seconds) max_seconds="$2"; shift 2 ;;
    --no-afl) use_afl=0; shift ;;
    -*) echo "fuzz: unknown option $1 (--help lists them)" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
((${#targets[@]})) || targets=(astm-frames lis2-records hl7 mqtt-packets payload-triage fhir-transaction)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export EDGELAB_ARTIFACTS="${EDGELAB_ARTIFACTS:-$PWD/artifacts}"
work="$EDGELAB_ARTIFACTS/fuzz"
bench/fuzz/install-fuzz-deps.sh "$work/tools"

if [[ -z "${EDGELAB_FUZZ_REUSE_BUILD:-}" || ! -f "$work/bin/edgelab-fuzz.dll" ]]; then
dotnet build bench/fuzz/EdgeLab.Fuzz -c Release -v q -nologo -clp:NoSummary $( [[ -n "${EDGELAB_FUZZ_NO_REF_BUILD:-}" ]] && echo -p:BuildProjectReferences=false)
# Instrument a private copy: the build output stays as the compiler made it (incremental builds, other benches).
rm -rf "$work/bin" && mkdir -p "$work/bin"
cp -r "$EDGELAB_ARTIFACTS/bin/EdgeLab.Fuzz/release/." "$work/bin/"
for assembly in EdgeLab.Instruments EdgeLab.Mqtt EdgeLab.Contract edgelab-hub; do
  "$work/tools/sharpfuzz" "$work/bin/$assembly.dll" >/dev/null
done
fi
fuzz=(dotnet "$EDGELAB_ARTIFACTS/bin/EdgeLab.Fuzz/release/edgelab-fuzz.dll")   # uninstrumented: seeds, replay, mutate
echo "edgelab fuzz on $(nproc) cores, $(uname -m), $(date -u +%FT%TZ); command: bench/run.sh fuzz --inputs $inputs${targets:+ ${targets[*]}}$( ((use_afl)) || echo ' --no-afl')"

status=0
for t in "${targets[@]}"; do
  if ((!use_afl)); then
    nice -n 19 "${fuzz[@]}" mutate "$t" "$inputs" || status=1
    continue
  fi
  rm -rf "$work/out/$t" "$work/in/$t"; mkdir -p "$work/out"
  "${fuzz[@]}" seeds "$t" "$work/in/$t" >/dev/null
  # afl-fuzz knows nothing of .NET: the fork server is SharpFuzz's (OutOfProcess: a crash or hang restarts the child).
  AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
    AFL_AUTORESUME=0 AFL_FORKSRV_INIT_TMOUT=60000 \
    nice -n 19 afl-fuzz -i "$work/in/$t" -o "$work/out/$t" -t "$timeout_ms" -m none -E "$inputs" ${max_seconds:+-V "$max_seconds"} -- dotnet "$work/bin/edgelab-fuzz.dll" afl "$t" \
      >"$work/out-$t.log" 2>&1 || { echo "$t: afl-fuzz failed, see $work/out-$t.log" >&2; tail -5 "$work/out-$t.log" >&2; status=1; continue; }
  stats="$work/out/$t/default/fuzzer_stats"
  get() { sed -n "s/^$1 *: *//p" "$stats"; }
  crashes=$(get saved_crashes); hangs=$(get saved_hangs)
  printf '%-18s inputs %10s  crashes %4s  hangs %4s  paths %5s  coverage %7s  execs/s %8.0f  (%s s, afl-fuzz)\n' \
    "$t" "$(get execs_done)" "$crashes" "$hangs" "$(get corpus_count)" "$(get bitmap_cvg)" \
    "$(awk -v e="$(get execs_done)" -v s="$(get run_time)" 'BEGIN{print (s>0? e/s : 0)}')" "$(get run_time)"
  ((crashes + hangs == 0)) || status=1
done
exit $status
