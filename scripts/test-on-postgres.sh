#!/usr/bin/env bash
# Run the whole test suite on a throwaway PostgreSQL server (needs initdb/pg_ctl on PATH).
# PostgreSQL refuses to run as root, so as root the server runs as an unprivileged user.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v initdb >/dev/null || { echo "initdb not found: install PostgreSQL (apt-get install postgresql)"; exit 2; }
PORT=${PGPORT_TEST:-55433}
DATA=$(mktemp -d /tmp/thidua-pg.XXXXXX)
RUN_AS=()
if [ "$(id -u)" = 0 ]; then
  id thidua-pg >/dev/null 2>&1 || useradd --system --no-create-home thidua-pg
  chown thidua-pg "$DATA"
  RUN_AS=(runuser -u thidua-pg --)
fi
"${RUN_AS[@]}" initdb -D "$DATA/db" -U postgres --auth=trust >/dev/null
"${RUN_AS[@]}" pg_ctl -D "$DATA/db" -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off" \
  -l "$DATA/server.log" -w start >/dev/null
trap '"${RUN_AS[@]}" pg_ctl -D "$DATA/db" -m immediate stop >/dev/null; rm -rf "$DATA"' EXIT
THIDUA_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres" .venv/bin/python -m pytest "$@"
