#!/usr/bin/env bash
# Installs what bench/fuzz/fuzz.sh needs beyond the build: Debian's afl++ and the SharpFuzz instrumentation tool
# (NuGet dotnet tool SharpFuzz.CommandLine 2.3.0, into the folder given, default artifacts/fuzz/tools).
# Usage: bench/fuzz/install-fuzz-deps.sh [tool-folder]   (needs root for apt-get when afl++ is missing)
set -euo pipefail
tools="${1:-$(dirname "$0")/../../artifacts/fuzz/tools}"
if ! command -v afl-fuzz >/dev/null; then
  if [[ $(id -u) -ne 0 ]]; then echo "fuzz: afl++ missing — run: sudo apt-get install -y afl++" >&2; exit 1; fi
  echo "fuzz: installing afl++"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends afl++ >/dev/null
fi
if [[ ! -x "$tools/sharpfuzz" ]]; then
  echo "fuzz: installing SharpFuzz.CommandLine 2.3.0 into $tools"
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
fi
