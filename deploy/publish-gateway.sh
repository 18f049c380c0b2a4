#!/usr/bin/env bash
# Publishes the gateway for a small Linux box, self-contained (no .NET install needed there).
# Usage: deploy/publish-gateway.sh [--aot] [RID] [OUT]   RID: linux-arm64 (default; linux-x64 with --aot), linux-arm,
#   linux-x64; OUT: out/gateway-RID (out/gateway-RID-aot with --aot)
#   default  trimmed (net10.0, JIT): TrimMode=partial, framework assemblies trimmed, ours kept whole.
#   --aot    Native AOT (net9.0: the ILCompiler is served for net9.0, not net10.0): one native executable plus
#            libe_sqlite3.so, no JIT, no IL. Builds for linux-x64 here; linux-arm64 needs the package
#            runtime.linux-arm64.Microsoft.DotNet.ILCompiler (not served to this project, checked 2026-11-22) and a
#            cross toolchain (clang, lld, an aarch64 sysroot), or a build on an arm64 box.
#   Check an AOT build with: EDGELAB_GATEWAY_AOT_EXE=OUT/edgelab-gateway dotnet test tests/EdgeLab.Gateway.Tests --filter NativeAot
# Measured by `EDGELAB_GATEWAY_EXE=OUT/edgelab-gateway bench/run.sh footprint` (x86_64, 8 simulated instruments, both
# builds in one session, a real hub acking end to end, 2026-11-22, gateway/ARCHITECTURE.md "Footprint"): Native AOT
# VmHWM 36.0 MB, start 0.12 s; trimmed VmHWM 61.9 MB, start 1.4 s (AOT/trimmed 0.58x). Target: <= 48 MB, <= 2 s.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
aot=false
if [[ "${1:-}" == "--aot" ]]; then
  aot=true
  shift
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [[ "$aot" == true ]]; then
  rid="${1:-linux-x64}"
  out="${2:-out/gateway-$rid-aot}"
  if [[ "$rid" != "linux-x64" ]]; then
    echo "edgelab: note: Native AOT for $rid needs runtime.$rid.Microsoft.DotNet.ILCompiler (not served here) and a cross toolchain" >&2
  fi
  echo "edgelab: publishing the gateway for $rid into $out (Native AOT, net9.0; takes minutes)"
  # A private artifacts folder: the net9.0 restore must not replace the net10.0 one that normal builds use.
  # Warnings stay errors, so any trim or AOT warning (IL2xxx, IL3xxx) fails the publish.
  EDGELAB_ARTIFACTS="${EDGELAB_ARTIFACTS:-$PWD/artifacts}/aot" \
    dotnet publish gateway/EdgeLab.Gateway -c Release -r "$rid" -p:EdgeLabAot=true -o "$out" -v q -nologo
  echo "edgelab: done: $out/edgelab-gateway (debug symbols in edgelab-gateway.dbg need not be installed)"
  exit 0
fi
rid="${1:-linux-arm64}"
out="${2:-out/gateway-$rid}"
echo "edgelab: publishing the gateway for $rid into $out (trimmed, self-contained)"
# Partial trimming keeps our assemblies whole; the framework's trim warnings about what it removes are not errors here.
dotnet publish gateway/EdgeLab.Gateway -c Release -r "$rid" --self-contained \
  -p:PublishTrimmed=true -p:TrimMode=partial -p:SuppressTrimAnalysisWarnings=true -p:TreatWarningsAsErrors=false \
  -o "$out" -v q -nologo
echo "edgelab: done: $out/edgelab-gateway (check it with: $out/edgelab-gateway --help)"
