#!/usr/bin/env bash
# Installs what the hub's browser tests need (tests/EdgeLab.Hub.Tests/Web/Browser): Debian's Chromium with DejaVu fonts
# (Playwright .NET drives it through ExecutablePath; the package cannot download browsers here) and axe-core 4.14.1
# (tests/web-a11y, exact version from its package-lock.json, `npm ci`). Does nothing when both are present.
# Usage: deploy/install-web-test-deps.sh   (root for apt-get; node and npm for axe-core; deploy/install-deps.sh calls it)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then sed -n '2,5p' "$0" | sed 's/^# //'; exit 0; fi

if [[ ! -x /usr/bin/chromium || ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]]; then
  echo "edgelab: installing chromium and fonts-dejavu-core (apt-get)"
  apt-get install -y --no-install-recommends chromium fonts-dejavu-core
fi

dir=tests/web-a11y
stamp="$dir/node_modules/.edgelab-lock.sha256"
want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "edgelab: axe-core present ($dir)"
  exit 0
fi
echo "edgelab: installing axe-core: npm ci ($dir)"
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
echo "$want" >"$stamp"
