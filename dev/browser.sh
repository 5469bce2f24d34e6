#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (never a downloaded browser).
# Usage: dev/browser.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
if [[ -x /usr/bin/chromium ]]; then
  ok "Chromium present ($(/usr/bin/chromium --version 2>/dev/null | head -n1))"
  exit 0
fi
step "installing Debian's chromium (apt)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
ok "Chromium installed"
