#!/usr/bin/env bash
# Installs from Debian's packages whatever the tests and the demo need and the machine lacks:
# PostgreSQL server binaries, redis-server and Chromium. Nothing is fetched from anywhere else.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
echo "install.sh: installing ${missing[*]} from Debian's packages" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || {
  $sudo apt-get update -q >/dev/null
  $sudo apt-get install -y -q "${missing[@]}" >/dev/null
}
# The Debian packages start a system-wide Redis on port 6379 and a PostgreSQL cluster on 5432;
# the project runs its own instances, so the ones this script just installed are stopped.
if [[ " ${missing[*]} " == *" redis-server "* ]] && command -v systemctl >/dev/null; then
  $sudo systemctl disable --now redis-server >/dev/null 2>&1 || true
fi
if [[ " ${missing[*]} " == *" postgresql "* ]] && command -v systemctl >/dev/null; then
  $sudo systemctl disable --now postgresql >/dev/null 2>&1 || true
fi
