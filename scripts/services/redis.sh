#!/usr/bin/env bash
# Starts, stops or describes a private Redis server on loopback for tests and the demo.
#
#   redis.sh start   start the server if it is not running, print its URL
#   redis.sh stop    stop the server
#   redis.sh url     print the URL of the running server
#
# Settings:
#   SWITCHBOARD_REDIS_PORT  TCP port on 127.0.0.1 (default 56379)
#   SWITCHBOARD_REDIS_DIR   working folder (default /var/tmp/switchboard-redis-<port>)
set -euo pipefail

port=${SWITCHBOARD_REDIS_PORT:-56379}
dir=${SWITCHBOARD_REDIS_DIR:-/var/tmp/switchboard-redis-$port}

if ! command -v redis-server >/dev/null; then
  echo "redis.sh: redis-server not found; run scripts/services/install.sh" >&2
  exit 1
fi

url() {
  echo "redis://:$(cat "$dir/password")@127.0.0.1:$port/0"
}

running() {
  [ -f "$dir/redis.pid" ] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null
}

start() {
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [ ! -f "$dir/password" ]; then
    (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$dir/password")
  fi

  if ! running; then
    if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
      echo "redis.sh: port $port on 127.0.0.1 is taken by another server; set SWITCHBOARD_REDIS_PORT to a free port" >&2
      exit 1
    fi
    # The password goes through a config file so that it never shows in the process list.
    cat > "$dir/redis.conf" <<CONF
bind 127.0.0.1
port $port
daemonize yes
dir $dir
pidfile $dir/redis.pid
logfile $dir/redis.log
save ""
appendonly no
requirepass $(cat "$dir/password")
CONF
    chmod 600 "$dir/redis.conf"
    redis-server "$dir/redis.conf"
    for _ in $(seq 1 50); do
      if redis-cli -p "$port" --no-auth-warning -a "$(cat "$dir/password")" ping 2>/dev/null | grep -q PONG; then break; fi
      sleep 0.1
    done
  fi
  url
}

stop() {
  if running; then
    kill "$(cat "$dir/redis.pid")"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) running || { echo "redis.sh: server on port $port is not running; run redis.sh start" >&2; exit 1; }; url ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
