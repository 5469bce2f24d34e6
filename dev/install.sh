#!/usr/bin/env bash
# Install the project's Python packages into .airdeck/venv (idempotent; pinned by constraints.txt).
# Usage: dev/install.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"

stamp="$AIRDECK_STATE/venv.stamp"
want=$(cat "$ROOT/constraints.txt" "$ROOT/pyproject.toml" "$ROOT"/packages/*/pyproject.toml "$ROOT"/services/*/pyproject.toml 2>/dev/null | sha256sum | cut -d' ' -f1)
if [[ -x "$PY" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  ok "project venv up to date ($VENV)"
  exit 0
fi
step "installing Airdeck's Python packages into $VENV"
mkdir -p "$AIRDECK_STATE"
[[ -x "$PY" ]] || python3.11 -m venv "$VENV" 2>/dev/null || python3 -m venv "$VENV"
"$PY" -m pip install --quiet --upgrade pip
editable=(-e "$ROOT/packages/domain" -e "$ROOT/packages/adapters" -e "$ROOT/services/api")
[[ -f "$ROOT/services/web/pyproject.toml" ]] && editable+=(-e "$ROOT/services/web")
"$PY" -m pip install --progress-bar on -c "$ROOT/constraints.txt" "${editable[@]}" -e "$ROOT[dev]" \
  2>&1 | grep -v "^WARNING: Location" || true
"$PY" -c "import airdeck_domain, airdeck_adapters, airdeck_api" || fail "install failed"
echo "$want" > "$stamp"
ok "project venv ready"
