#!/usr/bin/env bash
# Concurrent trainings of one project take distinct versions; a training
# cancelled by statement_timeout (parallel workers included) leaves no rows
# and no workers behind.  Run by test/run_check.sh with PGHOST/PGPORT/PGUSER.
set -euo pipefail

DB=mlpipe_concurrency
PSQL=(psql -X -v ON_ERROR_STOP=1 -qAt)
fail() { echo "concurrency: FAIL: $*"; exit 1; }
cleanup() { "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true; }
trap cleanup EXIT

"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB TEMPLATE template0"
"${PSQL[@]}" -d "$DB" <<'SQL'
CREATE EXTENSION mlpipe;
CREATE TABLE t AS
SELECT (i % 97)::float8 AS a, sin(i)::float8 AS b, (i % 13)::float8 AS c,
       1 + 2 * (i % 97) - 3 * sin(i) + 0.5 * (i % 13) + (i % 7) * 0.01 AS y
FROM generate_series(1, 600000) i;
ANALYZE t;
SQL

# four sessions train the same project at once
pids=()
for k in 1 2 3 4; do
    "${PSQL[@]}" -d "$DB" -c "SELECT version FROM mlpipe_train('conc', 't', 'y', seed => $k)" \
        > "/tmp/mlpipe_conc_$$_$k.out" 2>&1 &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || fail "a concurrent training failed: $(cat /tmp/mlpipe_conc_$$_*.out)"; done
versions=$(sort -n /tmp/mlpipe_conc_$$_*.out | tr '\n' ' ')
rm -f /tmp/mlpipe_conc_$$_*.out
[[ "$versions" == "1 2 3 4 " ]] || fail "versions were '$versions', expected '1 2 3 4 '"
echo "concurrency: four concurrent trainings took versions $versions"
n=$("${PSQL[@]}" -d "$DB" -c "SELECT count(*) FROM mlpipe.models m JOIN mlpipe.projects p ON p.id = m.project_id WHERE p.name = 'conc'")
[[ "$n" == 4 ]] || fail "expected 4 models, found $n"

# a cancelled training (it runs in parallel on this table) leaves nothing
before=$("${PSQL[@]}" -d "$DB" -c "SELECT (SELECT count(*) FROM mlpipe.models) || '/' || (SELECT count(*) FROM mlpipe.metrics)")
if out=$("${PSQL[@]}" -d "$DB" -c "SET statement_timeout = '20ms'" \
        -c "SELECT model_id FROM mlpipe_train('cancelled', 't', 'y')" 2>&1); then
    fail "the training was expected to be cancelled, it returned: $out"
fi
grep -q "canceling statement due to statement timeout" <<<"$out" || fail "unexpected error: $out"
after=$("${PSQL[@]}" -d "$DB" -c "SELECT (SELECT count(*) FROM mlpipe.models) || '/' || (SELECT count(*) FROM mlpipe.metrics)")
[[ "$before" == "$after" ]] || fail "catalog rows changed after a cancelled training: $before -> $after"
for _ in 1 2 3 4 5 6 7 8 9 10; do
    workers=$("${PSQL[@]}" -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'parallel worker' AND datname = '$DB'")
    [[ "$workers" == 0 ]] && break
    sleep 0.2
done
[[ "$workers" == 0 ]] || fail "$workers parallel workers left behind"
echo "concurrency: a cancelled training left no rows and no workers"
