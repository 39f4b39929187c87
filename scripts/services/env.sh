#!/usr/bin/env bash
# Installs and starts the private PostgreSQL and Redis, then prints shell exports for tests:
#   eval "$(scripts/services/env.sh)"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/install.sh"
echo "export SWITCHBOARD_TEST_PG_URL='$("$here/postgres.sh" start)'"
echo "export SWITCHBOARD_TEST_REDIS_URL='$("$here/redis.sh" start)'"
