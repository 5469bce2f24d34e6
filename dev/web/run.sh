#!/usr/bin/env bash
# Run the web UI in the foreground on $AIRDECK_WEB_HOST:$AIRDECK_WEB_PORT (default
# 127.0.0.1:3000), talking to the API at $AIRDECK_API_URL. In production mode Reflex serves the
# built frontend and its backend (the browser's websocket) on that one port, rebuilding the
# frontend at start. Usage: dev/web/run.sh   (or: make web; the web image's command)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
source "$ROOT/dev/web/env.sh"
cd "$WEB"
exec "$PY" -m reflex run --env prod --backend-host "$AIRDECK_WEB_HOST" --loglevel warning
