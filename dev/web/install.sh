#!/usr/bin/env bash
# Install what the web UI needs to build: bun (from the npm registry) and the frontend packages.
# Idempotent. Usage: dev/web/install.sh
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
source "$ROOT/dev/web/env.sh"

if [[ ! -x "$WEB/.tools/node_modules/.bin/bun" ]]; then
  step "installing bun 1.4.4 from the npm registry into services/web/.tools"
  npm install --prefix "$WEB/.tools" --no-audit --no-fund --no-package-lock --silent bun@1.4.4
fi
ok "bun $(bun --version)"
if [[ ! -d "$WEB/.web/node_modules" ]]; then
  step "building the web frontend once (installs its npm packages; about a minute)"
  (cd "$WEB" && "$PY" -m reflex export --frontend-only --no-zip --env prod >/dev/null 2>&1) ||
    (cd "$WEB" && "$PY" -m reflex compile)
fi
ok "web frontend ready"
