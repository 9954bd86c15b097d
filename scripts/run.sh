#!/usr/bin/env bash
# `make run`: the background worker (`cluster6 db_worker`: the analysis refresh and its notifications,
# docs/runbook.md "Background analysis") beside the development web server, with the same settings and
# database. Ctrl+C (or SIGTERM) stops both; when either stops, the other is stopped too.
set -uo pipefail
MANAGE=${MANAGE:-.venv/bin/cluster6}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

"$MANAGE" db_worker --no-reload --queue-name default &
pids+=($!)
echo "Background worker started (pid ${pids[0]})."
"$MANAGE" runserver "$HOST:$PORT" &
pids+=($!)
wait -n "${pids[@]}"
