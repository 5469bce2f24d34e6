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

# install_airflow VERSION VENV HOW_LONG: Apache Airflow VERSION (with the postgres extra) into its
# own venv VENV, never the project's. Returns at once when that version is there.
install_airflow() {
  local version=$1 venv=$2 how_long=$3 start
  installed() { "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('apache-airflow') != '$version')" 2>/dev/null; }
  if [[ -x "$venv/bin/airflow" ]] && installed; then
    ok "Airflow $version present ($venv)"
    return 0
  fi
  start=$(date +%s)
  step "installing Airflow $version into $venv (takes $how_long)"
  [[ -x "$venv/bin/python" ]] || python3.11 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --progress-bar on "apache-airflow[postgres]==$version" ||
    fail "pip could not install Airflow $version"
  installed || fail "Airflow $version did not install into $venv"
  ok "Airflow $version installed in $(( $(date +%s) - start ))s"
}

# session_running HOME NAME: true when HOME/NAME.pid points at a live session a start script began.
session_running() {
  local pid
  pid=$(cat "$1/$2.pid" 2>/dev/null) || return 1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && [[ "$(ps -o sid= -p "$pid" | tr -d ' ')" == "$pid" ]]
}

# launch_session HOME NAME COMMAND...: run COMMAND in a new session whose id is written to
# HOME/NAME.pid, output to HOME/NAME.log (without descriptor 9, the start lock, or the lock would
# live as long as Airflow).
launch_session() {
  local home=$1 name=$2; shift 2
  setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$home/$name.pid" "$@" >"$home/$name.log" 2>&1 </dev/null 9>&- &
  for _ in $(seq 50); do [[ -s "$home/$name.pid" ]] && return; sleep 0.1; done
}

# start_example_service HOME PYTHON PORT URL: the service the service_pipeline DAG calls, on PORT,
# unless HOME's one is already running.
start_example_service() {
  local home=$1 python=$2 port=$3 url=$4
  if session_running "$home" example-service; then
    ok "example service already running on $url"
    return 0
  fi
  rm -f "$home/example-service.pid"
  launch_session "$home" example-service "$python" "$ROOT/dev/airflow/example_service.py" "$port"
  for _ in $(seq 50); do
    curl -fsS -o /dev/null --max-time 1 "$url/health" 2>/dev/null && break
    sleep 0.1
  done
  session_running "$home" example-service ||
    { tail -n 20 "$home/example-service.log" >&2; fail "the example service did not start"; }
  ok "example service started on $url"
}
