# Shared shell helpers for dev/*.sh: sourced, never run.
# Paths, progress messages and the project venv location live here so every script agrees.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AIRDECK_STATE="${AIRDECK_STATE:-$ROOT/.airdeck}"
VENV="$AIRDECK_STATE/venv"
PY="$VENV/bin/python"
# The API's files (product DB, signing key) stay in the checkout whatever the working directory.
export AIRDECK_DATA_DIR="${AIRDECK_DATA_DIR:-$AIRDECK_STATE/data}"

step() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
ok() { printf '\033[1;32m ✓\033[0m %s\n' "$*"; }
fail() { printf '\033[1;31m ✗\033[0m %s\n' "$*" >&2; exit 1; }

# wait_http URL SECONDS LABEL: poll until URL answers 2xx/3xx/401, printing a dot a second.
wait_http() {
  local url=$1 limit=$2 label=$3 i
  printf '    waiting for %s ' "$label"
  for ((i = 0; i < limit; i++)); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
      printf ' up after %ss\n' "$i"; return 0
    fi
    printf '.'; sleep 1
  done
  printf ' gave up after %ss\n' "$limit"; return 1
}

# stop_sessions HOME LABEL: stop what a start script recorded in HOME (airflow.pid and
# example-service.pid hold session ids): every process in each session (servers, workers and
# running tasks move to their own process groups but never leave the session, so nothing is
# missed). TERM first, KILL whatever is left after 30 seconds.
stop_sessions() {
  local home=$1 label=$2 name pid_file sid pids left
  session_pids() { ps -e -o pid=,sid= | awk -v sid="$1" '$2 == sid { print $1 }'; }
  for name in airflow example-service; do
    pid_file="$home/$name.pid"
    [[ -f "$pid_file" ]] || continue
    sid=$(cat "$pid_file")
    pids=$(session_pids "$sid")
    if [[ -z "$pids" ]]; then
      rm -f "$pid_file"
      continue
    fi
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null
    printf '    stopping %s%s ' "$label" "$name"
    for _ in $(seq 30); do
      [[ -z "$(session_pids "$sid")" ]] && break
      printf '.'; sleep 1
    done
    left=$(session_pids "$sid")
    # shellcheck disable=SC2086
    [[ -n "$left" ]] && kill -KILL $left 2>/dev/null
    printf '\n'
    rm -f "$pid_file"
    ok "stopped $label$name ($home)"
  done
}
