#!/usr/bin/env bash
# Run the mlpipe demo (test/demo.sql) in a fresh database on a throwaway
# cluster, echoing every query, and stop the cluster afterwards.
#
#   test/demo.sh [SQL_FILE]     (default: test/demo.sql)
#
# The extension must already be installed (make install).
set -euo pipefail

cd "$(dirname "$0")/.."

SQL_FILE=${1:-test/demo.sql}
DB=mlpipe_demo
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
PSQL="$("$PG_CONFIG" --bindir)/psql"

[[ -f "$SQL_FILE" ]] || { echo "demo: $SQL_FILE not found" >&2; exit 1; }

# The cluster is throwaway: stop it however we leave (error, Ctrl-C, done).
trap 'test/cluster.sh stop >/dev/null 2>&1 || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== demo: starting throwaway cluster =="
test/cluster.sh start
# shellcheck disable=SC1091
source tmp/cluster.env

echo "== demo: creating fresh database $DB =="
# Separate -c's: DROP/CREATE DATABASE cannot run inside one transaction.
"$PSQL" -X -q -v ON_ERROR_STOP=1 -d postgres \
    -c "SET client_min_messages = warning" \
    -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"

echo "== demo: running $SQL_FILE =="
"$PSQL" -X -v ON_ERROR_STOP=1 --echo-queries -d "$DB" -f "$SQL_FILE"

echo "== demo: done (cluster will be stopped) =="
