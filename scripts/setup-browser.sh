#!/usr/bin/env bash
# The browser for the dashboard tests and `chitieu report --pdf`: Debian's Chromium (npm cannot
# download browsers here). Installs it when missing; prints its path. Needs root or sudo.
set -euo pipefail
BROWSER="${CHITIEU_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$BROWSER" ]; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 ||
    { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y --no-install-recommends chromium >/dev/null; }
fi
"$BROWSER" --version 2>/dev/null | head -1 || true
echo "$BROWSER"
