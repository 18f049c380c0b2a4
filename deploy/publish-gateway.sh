#!/usr/bin/env bash
# Publishes the gateway for a small Linux box as a trimmed, self-contained build (no .NET install needed there).
# Usage: deploy/publish-gateway.sh [RID] [OUT]   RID: linux-arm64 (default), linux-arm, linux-x64; OUT: out/gateway-RID
# Trimming removes unused framework code (TrimMode=partial: only framework assemblies are trimmed; ours and
# YamlDotNet, which reads the dialect profiles by reflection, are kept whole). Measured by bench/run.sh footprint with
# EDGELAB_GATEWAY_EXE=OUT/edgelab-gateway (x86_64, 8 simulated instruments): VmHWM 60.8 MB against 80.0 MB for the
# framework-dependent build; see gateway/ARCHITECTURE.md, "Footprint".
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,3p' "$0" | sed 's/^# //'
  exit 0
fi
rid="${1:-linux-arm64}"
out="${2:-out/gateway-$rid}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "edgelab: publishing the gateway for $rid into $out (trimmed, self-contained)"
# Trim analysis warnings come from YamlDotNet's reflection, which partial trimming keeps intact; they are not errors here.
dotnet publish gateway/EdgeLab.Gateway -c Release -r "$rid" --self-contained \
  -p:PublishTrimmed=true -p:TrimMode=partial -p:SuppressTrimAnalysisWarnings=true -p:TreatWarningsAsErrors=false \
  -o "$out" -v q -nologo
echo "edgelab: done: $out/edgelab-gateway (check it with: $out/edgelab-gateway --help)"
