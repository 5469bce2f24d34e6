#!/usr/bin/env bash
# Make sure the local PostgreSQL and Redis the tests use are running (starts them if not).
# Usage: dev/services.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  ok "PostgreSQL is up on 127.0.0.1:5432"
else
  step "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -q -h 127.0.0.1 -p 5432 || fail "PostgreSQL did not start"
  ok "PostgreSQL started"
fi

if redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  ok "Redis is up on 127.0.0.1:6379"
else
  step "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 20); do redis-cli -h 127.0.0.1 ping 2>/dev/null | grep -q PONG && break; sleep 0.5; done
  redis-cli -h 127.0.0.1 ping | grep -q PONG || fail "Redis did not start"
  ok "Redis started"
fi
