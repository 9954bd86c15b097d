#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL server: installs Debian's postgresql when it is
# missing, creates a cluster in a temporary folder, starts it (as the 'postgres' user when we are
# root, since PostgreSQL refuses to run as root), exports DATABASE_URL, runs "$@" and always stops
# and removes the server afterwards.
set -eu
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing Debian's postgresql..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq postgresql >/dev/null
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  else
    echo "PostgreSQL is missing: run 'sudo apt-get install postgresql'." >&2
    exit 1
  fi
fi
PORT=${PGPORT_TEST:-55432}
DIR=$(mktemp -d /tmp/cluster6-pg.XXXXXX)
chmod 755 "$DIR"
as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = "0" ]; then chown postgres "$DIR"; PGUSER=postgres; else PGUSER=$(id -un); fi
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
as_pg "$PGBIN/initdb" -D "$DIR/data" -U "$PGUSER" -A trust -E UTF8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -w -l "$DIR/server.log" \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U "$PGUSER" cluster6
export DATABASE_URL="postgres://$PGUSER@127.0.0.1:$PORT/cluster6"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') running on port $PORT" >&2
"$@"
