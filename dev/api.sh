#!/usr/bin/env bash
# The API in the foreground, its product DB migrated first; with arguments, that `airdeck`
# command instead (e.g. `dev/api.sh db upgrade`). Configuration from AIRDECK_* variables, else
# the demo's (dev/api-env.sh). Usage: dev/api.sh [command...]   (or: make api, make db-upgrade)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$ROOT/dev/api-env.sh"
if [[ $# -gt 0 ]]; then
  exec "$PY" -m airdeck_api.cli "$@"
fi
"$PY" -m airdeck_api.cli db upgrade
# A person reads these lines at a terminal; containers and the demo keep the JSON default.
export AIRDECK_LOG_FORMAT="${AIRDECK_LOG_FORMAT:-console}"
exec "$PY" -m airdeck_api.cli serve
