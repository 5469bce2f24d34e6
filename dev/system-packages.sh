#!/usr/bin/env bash
# Debian packages the test suite uses: chromium (browser tests drive it; never a downloaded
# browser) and docker-compose (to check that docker-compose.yml stays valid; no engine needed).
# Usage: dev/system-packages.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v docker-compose >/dev/null || missing+=(docker-compose)
if ((${#missing[@]})); then
  step "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
ok "Chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), $(docker-compose version --short 2>/dev/null | head -n1 | sed 's/^/docker-compose /')"
