#!/usr/bin/env bash
# Starts, stops or describes a private PostgreSQL cluster on loopback for tests and the demo.
#
#   postgres.sh start   initialise the cluster if needed, start it, print its URL
#   postgres.sh stop    stop the cluster
#   postgres.sh url     print the URL of the running cluster
#
# The cluster is keyed by port, so several clones of the project share one server per port;
# tests isolate themselves by creating a database each. Settings:
#   SWITCHBOARD_PG_PORT  TCP port on 127.0.0.1 (default 55432)
#   SWITCHBOARD_PG_DIR   cluster folder (default /var/tmp/switchboard-pg-<port>)
set -euo pipefail

port=${SWITCHBOARD_PG_PORT:-55432}
dir=${SWITCHBOARD_PG_DIR:-/var/tmp/switchboard-pg-$port}
data=$dir/data
user=switchboard

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "postgres.sh: PostgreSQL server binaries not found under /usr/lib/postgresql; run scripts/services/install.sh" >&2
  exit 1
fi

# initdb and postgres refuse to run as root, so as root the cluster belongs to the postgres user.
# It runs from / because the caller's folder may be closed to that user (psql and pg_ctl would
# warn that they cannot change into it).
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

url() {
  local password
  password=$(cat "$dir/password")
  echo "postgres://$user:$password@127.0.0.1:$port/switchboard?sslmode=disable"
}

running() {
  as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start() {
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
  chmod 700 "$dir"

  if [ ! -f "$data/PG_VERSION" ]; then
    umask 077
    head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$dir/password"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir/password"; fi
    as_owner "$bindir/initdb" -D "$data" -U "$user" --pwfile="$dir/password" \
      --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { echo "postgres.sh: initdb failed, see $dir/initdb.log" >&2; exit 1; }
  fi

  if ! running; then
    if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
      echo "postgres.sh: port $port on 127.0.0.1 is taken by another server; set SWITCHBOARD_PG_PORT to a free port" >&2
      exit 1
    fi
    as_owner "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      >/dev/null || { echo "postgres.sh: start failed, see $dir/server.log" >&2; exit 1; }
  fi

  if ! PGPASSWORD=$(cat "$dir/password") "$bindir/psql" -h 127.0.0.1 -p "$port" -U "$user" -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'switchboard'" | grep -q 1; then
    PGPASSWORD=$(cat "$dir/password") "$bindir/createdb" -h 127.0.0.1 -p "$port" -U "$user" switchboard
  fi
  url
}

stop() {
  if running; then as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) running || { echo "postgres.sh: cluster on port $port is not running; run postgres.sh start" >&2; exit 1; }; url ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
