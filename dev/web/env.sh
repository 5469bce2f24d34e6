# The web UI's build environment: sourced by dev/web/install.sh and dev/web/run.sh.
# Reflex builds its frontend with bun, installed from the npm registry into a tools folder
# (Node here is too old for Reflex's own toolchain, and bun's own site is out of reach).
WEB="$ROOT/services/web"
export PATH="$WEB/.tools/node_modules/.bin:$PATH"
export REFLEX_TELEMETRY_ENABLED=false
export REFLEX_CHECK_LATEST_VERSION=false
# bun installs from npm's configured registry (a mirror, say), unless one is given. The web image
# has no npm (its bun comes ready-made from a build stage): there bun keeps its own default.
if [[ -z "${NPM_CONFIG_REGISTRY:-}" ]] && command -v npm >/dev/null; then
  NPM_CONFIG_REGISTRY="$(npm config get registry)"
fi
if [[ -n "${NPM_CONFIG_REGISTRY:-}" ]]; then
  export NPM_CONFIG_REGISTRY
fi
export AIRDECK_WEB_PORT="${AIRDECK_WEB_PORT:-3000}"
# Loopback for `make web` and the demo; the container binds every interface (docker-compose.yml).
export AIRDECK_WEB_HOST="${AIRDECK_WEB_HOST:-127.0.0.1}"
export AIRDECK_API_URL="${AIRDECK_API_URL:-http://127.0.0.1:${AIRDECK_API_PORT:-8100}}"
