#!/usr/bin/env bash
# Installs the Debian packages EdgeLab's demo and tests run for real, saying what it installs, then the
# pinned npm packages of the FHIR validator the hub tests run (deploy/install-fhir-validator.sh).
# Usage: deploy/install-deps.sh   (needs root on Debian 12; does nothing when all are present; --bench, from bench/run.sh, adds nothing now)
set -euo pipefail

# nodejs/npm: the FHIR validator the hub tests run (deploy/install-fhir-validator.sh) and the bench's MQTT.js peer.
# gcc, zlib1g-dev: the Native AOT gateway build (deploy/publish-gateway.sh --aot, run by deploy/test.sh) links with them.
# openssl: the throwaway CA of the TLS tests. python3: the independent termios2 reader of SerialPollLoopTests.
# python3-aiosmtpd: the real SMTP server the cabinet e-mail tests send to (tests/EdgeLab.Hub.Tests/Support/SmtpTestServer).
packages=(mosquitto mosquitto-clients socat postgresql fonts-dejavu-core poppler-utils nodejs npm gcc zlib1g-dev openssl python3 python3-aiosmtpd)
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,4p' "$0" | sed 's/^# //'; exit 0
fi

missing=()
for p in "${packages[@]}"; do
  if [[ "$p" == "nodejs" || "$p" == "npm" ]] && command -v node >/dev/null && command -v npm >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "edgelab: system packages present (${packages[*]})"
else
  echo "edgelab: installing missing Debian packages: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "edgelab: need root to install ${missing[*]} — run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "edgelab: installed ${missing[*]}"
fi

# Debian starts the packaged services on install; EdgeLab starts its own on free loopback ports instead.
for svc in mosquitto postgresql; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then :; fi
done

if ! command -v dotnet >/dev/null; then
  echo "edgelab: the .NET 10 SDK is required (dotnet not found on PATH): see https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
  exit 1
fi

"$(dirname "$0")/install-fhir-validator.sh"
"$(dirname "$0")/install-web-test-deps.sh"
