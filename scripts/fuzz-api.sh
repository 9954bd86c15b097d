#!/usr/bin/env bash
# API fuzzing (`make fuzz`, part of `make test`; docs/runbook.md, "API fuzzing").
#
# Sets up a scratch SQLite database with the demo data (seed 1, scale 1) and the demo accounts, starts the
# application (gunicorn, DEBUG off) on a free loopback port, obtains an API token for a company user and a
# ministry user through the public token endpoint, and runs schemathesis over the whole API as each of
# them, plus the token endpoints anonymously. Fails on any server error (5xx), any answer that does not fit
# the OpenAPI schema (status code, content type, headers, body) and any other schemathesis check except
# the two data-acceptance checks (see the runbook for why). Nothing outside the scratch folder is touched,
# and the server is stopped whatever happens.
#
# Environment: FUZZ_MAX_EXAMPLES (default 20 a operation), FUZZ_SEED (1), FUZZ_TIMEOUT (seconds per
# schemathesis run, default 180), FUZZ_KEEP=1 keeps the scratch folder, BIN (default .venv/bin).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-.venv/bin}
BIN=$(cd "$BIN" && pwd)
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-20}
SEED=${FUZZ_SEED:-1}
RUN_TIMEOUT=${FUZZ_TIMEOUT:-180}
ROLES=(bedrijf ministerie)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cluster6-fuzz.XXXXXX")
SERVER_PID=""
cleanup() {
    local status=$?
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ "$status" -ne 0 ] && [ -f "$WORK/server.log" ]; then
        echo "--- last lines of the server log ($WORK/server.log)"
        tail -n 40 "$WORK/server.log"
    fi
    if [ "${FUZZ_KEEP:-}" = "1" ] || [ "$status" -ne 0 ]; then
        echo "Scratch folder kept: $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The scratch environment: its own database and var folder, the test settings (DEBUG off, as in
# production: errors are answered by the handlers, not by the debug pages).
export DJANGO_SETTINGS_MODULE=cluster6.config.settings.test
export DATABASE_URL="sqlite:///$WORK/fuzz.sqlite3"
export CLUSTER6_VAR_DIR="$WORK/var"
export CLUSTER6_API_TOKEN_THROTTLE_RATE="1000/min"
export PYTHONDONTWRITEBYTECODE=1

started=$(date +%s)
echo "== API fuzzing: scratch database in $WORK"
"$BIN/cluster6" migrate --no-input -v 0
"$BIN/cluster6" setup_demo --force > "$WORK/setup.log" 2>&1 || { cat "$WORK/setup.log"; exit 1; }

PORT=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
"$BIN/gunicorn" cluster6.config.wsgi:application --bind "127.0.0.1:$PORT" --workers 1 --threads 4 \
    --timeout 60 --error-logfile "$WORK/server.log" > "$WORK/server.out" 2>&1 &
SERVER_PID=$!

# Wait for the schema (at most 60 s), then obtain the tokens.
"$BIN/python" - "$BASE" <<'EOF'
import sys, time, urllib.request

base = sys.argv[1]
deadline = time.monotonic() + 60
while True:
    try:
        with urllib.request.urlopen(base + "/api/schema/?format=json", timeout=5) as response:
            if response.status == 200:
                break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit(f"The server at {base} did not answer within 60 s.")
    time.sleep(0.5)
EOF

token_for() {
    # The demo account of a role, through the public token endpoint (docs/api.md, "Authentication").
    "$BIN/python" - "$BASE" "$1" <<'EOF'
import json, os, sys, urllib.request

import django

django.setup()
from cluster6.demo.accounts import demo_password, demo_username  # noqa: E402

base, role = sys.argv[1], sys.argv[2]
body = json.dumps({"username": demo_username(role), "password": demo_password(role), "name": "fuzz"})
request = urllib.request.Request(
    base + "/api/auth/token/", data=body.encode(), headers={"Content-Type": "application/json"}
)
with urllib.request.urlopen(request, timeout=30) as response:
    print(json.load(response)["token"])
EOF
}

# The volume per operation. Every analysis request reads or computes a whole run (and a ministry's read
# logs a read per plan), so those operations get fewer examples; the two that return every plan of a run
# skip the coverage phase (its boundary combinations of their enum parameters add minutes, not findings).
cat > "$WORK/schemathesis.toml" <<TOML
generation.max-examples = $MAX_EXAMPLES
generation.database = "none"
request-timeout = 60

[[operations]]
include-path-regex = '^/api/analysis/runs/[{]id[}]/(export|plans)/\$'
generation.max-examples = 4
phases.coverage.enabled = false

[[operations]]
include-path-regex = '^/api/analysis/(?!runs/[{]id[}]/(export|plans)/\$)'
generation.max-examples = 8
TOML

run_schemathesis() {
    local name=$1
    shift
    echo "== schemathesis as $name"
    (cd "$WORK" && timeout "$RUN_TIMEOUT" "$BIN/schemathesis" --config-file "$WORK/schemathesis.toml" \
        run "$BASE/api/schema/?format=json" \
        --checks all --exclude-checks negative_data_rejection,positive_data_acceptance \
        --seed "$SEED" --workers 2 --no-color --output-truncate true "$@") \
        > "$WORK/schemathesis-$name.txt" 2>&1
    local status=$?
    if [ "$status" -ne 0 ]; then
        cat "$WORK/schemathesis-$name.txt"
        [ "$status" -eq 124 ] && echo "schemathesis as $name ran out of its ${RUN_TIMEOUT} s."
        return "$status"
    fi
    grep -E "Operations:|(Coverage|Fuzzing|Stateful) \(in|generated" "$WORK/schemathesis-$name.txt" || true
}

failed=0
for role in "${ROLES[@]}"; do
    token=$(token_for "$role")
    # Without the token endpoints: revoking would end this token halfway through the run.
    run_schemathesis "$role" --exclude-path-regex '^/api/auth/' -H "Authorization: Token $token" || failed=1
done
# The token endpoints, anonymously (wrong passwords, lockout, throttling: 400, 401, 429 as documented).
run_schemathesis anonymous --include-path-regex '^/api/auth/' || failed=1

echo "== API fuzzing took $(( $(date +%s) - started )) s"
exit "$failed"
