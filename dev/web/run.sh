#!/usr/bin/env bash
# Run the web UI in the foreground on 127.0.0.1:$AIRDECK_WEB_PORT (default 3000), talking to
# the API at $AIRDECK_API_URL. Usage: dev/web/run.sh   (or: make web)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
source "$ROOT/dev/web/env.sh"
cd "$WEB"
exec "$PY" -m reflex run --env prod --backend-host 127.0.0.1 --loglevel warning
