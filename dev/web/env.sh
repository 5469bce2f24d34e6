# The web UI's build environment: sourced by dev/web/install.sh and dev/web/run.sh.
# Reflex builds its frontend with bun, installed from the npm registry into a tools folder
# (Node here is too old for Reflex's own toolchain, and bun's own site is out of reach).
WEB="$ROOT/services/web"
export PATH="$WEB/.tools/node_modules/.bin:$PATH"
export REFLEX_TELEMETRY_ENABLED=false
export REFLEX_CHECK_LATEST_VERSION=false
NPM_CONFIG_REGISTRY="$(npm config get registry)"
export NPM_CONFIG_REGISTRY
export AIRDECK_WEB_PORT="${AIRDECK_WEB_PORT:-3000}"
export AIRDECK_API_URL="${AIRDECK_API_URL:-http://127.0.0.1:${AIRDECK_API_PORT:-8100}}"
