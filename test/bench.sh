#!/usr/bin/env bash
# The mlpipe benchmark (`make bench`; the extension must be built and
# installed).  Not a test: it prints timings, ratios and the performance
# targets with PASS/MISS, and always exits 0 unless something broke.
#
#   test/bench.sh
#
# What it does (docs/benchmarks.md has the why):
#   1. Starts the throwaway cluster (test/cluster.sh) unless it is already
#      running; a cluster it started is stopped again on exit.
#   2. Creates a fresh database mlpipe_bench with a seeded, deterministic
#      1,000,000-row table bench(x1..x10 float8, y float8), VACUUM ANALYZEs it
#      and reads it once to warm the cache.
#   3. Times each query inside the server: a PL/pgSQL function records
#      clock_timestamp() around EXECUTE, so client round trips and result
#      transfer are not counted.  One untimed warm-up run, then BENCH_RUNS
#      (default 5) timed runs, each its own transaction, all in one session;
#      the median is reported.
#   4. Runs test/bench_sklearn.py with Debian's /usr/bin/python3 for the
#      scikit-learn figures on the same data.
#   5. Prints the summary table and drops the database.
#
# Environment: PG_CONFIG (default /usr/lib/postgresql/15/bin/pg_config),
# BENCH_RUNS (default 5), BENCH_PYTHON (default /usr/bin/python3).
set -euo pipefail

cd "$(dirname "$0")/.."

DB=mlpipe_bench
ROWS=1000000
RUNS=${BENCH_RUNS:-5}
PYTHON=${BENCH_PYTHON:-/usr/bin/python3}
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
PG_BIN=$("$PG_CONFIG" --bindir)
PSQL="$PG_BIN/psql"
export PSQL PG_CONFIG

# ---------------------------------------------------------------------------
# Cluster: start it only if it is not running, and then stop it on exit.
# `cluster.sh status` exits 3 when stopped, so it must not run bare under -e.
# ---------------------------------------------------------------------------
started_here=0
scratch=$(mktemp -d /tmp/mlpipe-bench.XXXXXX)

cleanup() {
    if [[ -n "${PGPORT:-}" ]]; then
        "$PSQL" -X -q -d postgres -c "SET client_min_messages = warning" \
            -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    if ((started_here)); then
        test/cluster.sh stop >/dev/null 2>&1 || true
    fi
    rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

status_rc=0
test/cluster.sh status >/dev/null 2>&1 || status_rc=$?
if ((status_rc == 0)); then
    echo "== bench: using the running cluster =="
    test/cluster.sh start >/dev/null   # only rewrites tmp/cluster.env
else
    echo "== bench: starting throwaway cluster =="
    started_here=1
    test/cluster.sh start
fi
# shellcheck disable=SC1091
source tmp/cluster.env
export PGDATABASE=$DB

psql_q() { "$PSQL" -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------
echo "== bench: creating database $DB with a $ROWS-row table =="
psql_q -d postgres -c "SET client_min_messages = warning" \
    -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"

t_setup=$(date +%s.%N)
psql_q <<SQL
SET client_min_messages = warning;
CREATE EXTENSION mlpipe;

-- Deterministic: setseed() then random() in this one statement (the plan is
-- serial: random() is parallel restricted).  y is a fixed linear function of
-- x1..x10 plus uniform noise on [-0.5, 0.5).
SELECT setseed(0.42) \g /dev/null
CREATE TABLE bench AS
SELECT x1, x2, x3, x4, x5, x6, x7, x8, x9, x10,
       1.5 + 2*x1 - 3*x2 + 0.5*x3 + 4*x4 - x5 + 0.25*x6 + 3*x7 - 2.5*x8
           + x9 - 0.75*x10 + (random() - 0.5) AS y
FROM (SELECT random() AS x1, random() AS x2, random() AS x3, random() AS x4,
             random() AS x5, random() AS x6, random() AS x7, random() AS x8,
             random() AS x9, random() AS x10
      FROM generate_series(1, $ROWS)) s;
VACUUM ANALYZE bench;
SELECT sum(x1+x2+x3+x4+x5+x6+x7+x8+x9+x10+y) FROM bench \g /dev/null

-- The same rows plus two text columns, 10 and 1,000 categories, each NULL
-- in 5% of the rows (seeded as above).
SELECT setseed(0.24) \g /dev/null
CREATE TABLE bench_cat AS
SELECT x1, x2, x3, x4, x5, x6, x7, x8, x9, x10,
       CASE WHEN random() < 0.05 THEN NULL ELSE 'k' || floor(random() * 10)::int END AS c10,
       CASE WHEN random() < 0.05 THEN NULL ELSE 'v' || floor(random() * 1000)::int END AS c1000,
       y
FROM bench;
VACUUM ANALYZE bench_cat;

-- One timed execution of a query, measured inside the server.
CREATE FUNCTION bench_once(q text) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE
    t0 timestamptz := clock_timestamp();
BEGIN
    EXECUTE q;
    RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END
\$\$;
SQL
printf '   table ready in %.1f s (%s)\n' "$(awk -v a="$t_setup" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" \
    "$(psql_q -c "SELECT pg_size_pretty(pg_relation_size('bench'))")"

# ---------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------
Q_SCAN="SELECT sum(x1+x2+x3+x4+x5+x6+x7+x8+x9+x10+y) FROM bench"
Q_TRAIN="SELECT * FROM mlpipe_train('bench', 'bench', 'y', 'linear_regression', deploy => 'always')"
Q_PREDICT="SELECT sum(mlpipe_predict('bench', t)) FROM bench t"
Q_CATNUM="SELECT * FROM mlpipe_train('bench_catnum', 'SELECT x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, y FROM bench_cat', 'y', 'ridge', deploy => 'always')"
Q_CAT="SELECT * FROM mlpipe_train('bench_cat', 'bench_cat', 'y', 'ridge', deploy => 'always')"
Q_AGG="SELECT mlpipe_linear_solve(mlpipe_linear_stats(y, ARRAY[x1,x2,x3,x4,x5,x6,x7,x8,x9,x10])) FROM bench"

# time_query NAME SQL [SETUP_SQL]: warm-up + RUNS timed runs in one session,
# each statement its own transaction; sets TIMES_<NAME> (space-separated ms).
time_query() {
    local name=$1 q=$2 setup=${3:-} script out
    script="$setup"$'\n'
    for ((i = 0; i <= RUNS; i++)); do
        script+="SELECT bench_once(\$bench\$$q\$bench\$);"$'\n'
    done
    out=$(printf '%s' "$script" | psql_q -f - | tail -n "$RUNS" | tr '\n' ' ')
    printf -v "TIMES_$name" '%s' "${out% }"
    printf '   %-8s runs (ms): %s\n' "$name" "$out"
}

# median/min/max of space-separated numbers
stat() {
    tr ' ' '\n' <<<"$2" | sort -g | awk -v what="$1" '
        { a[NR] = $1 }
        END {
            if (what == "min") print a[1]
            else if (what == "max") print a[NR]
            else if (NR % 2) print a[(NR + 1) / 2]
            else print (a[NR / 2] + a[NR / 2 + 1]) / 2
        }'
}

echo "== bench: timing (1 warm-up + $RUNS runs each, inside the server) =="
time_query SCAN "$Q_SCAN"
time_query SCAN0 "$Q_SCAN" "SET max_parallel_workers_per_gather = 0;"
time_query TRAIN "$Q_TRAIN"
time_query PREDICT "$Q_PREDICT"
time_query AGG "$Q_AGG"
time_query CATNUM "$Q_CATNUM"
time_query CAT "$Q_CAT"

# Plans of (a), (c), (d): one EXPLAIN ANALYZE each (not timed) for the
# planned and launched workers.
plan_shape() {
    local plan planned launched
    plan=$(psql_q -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) $1")
    if grep -q 'Gather' <<<"$plan"; then
        planned=$(grep -o 'Workers Planned: [0-9]*' <<<"$plan" | head -1 | grep -o '[0-9]*$')
        launched=$(grep -o 'Workers Launched: [0-9]*' <<<"$plan" | head -1 | grep -o '[0-9]*$')
        echo "parallel (Gather, workers planned $planned, launched $launched)"
    else
        echo "serial ($(sed -n 's/^ *\(->  \)\{0,1\}\(Seq Scan\|Index Only Scan\|Index Scan\|Bitmap Heap Scan\).*/\2/p' <<<"$plan" | head -1))"
    fi
}
PLAN_SCAN=$(plan_shape "$Q_SCAN")
PLAN_PREDICT=$(plan_shape "$Q_PREDICT")
PLAN_AGG=$(plan_shape "$Q_AGG")

# How training read the table: mlpipe_train reports the number of parallel
# workers at DEBUG1 when it scans a table in parallel.  models.train_seconds
# covers load + split + fit; the rest of the call is evaluate + store.
PLAN_TRAIN="serial (one process)"
BREAKDOWN="not available"
if out=$(psql_q 2>"$scratch/train.log" <<SQL
SET client_min_messages = debug2;
SELECT bench_once(\$bench\$$Q_TRAIN\$bench\$);
RESET client_min_messages;
SELECT train_seconds * 1000 FROM mlpipe.models ORDER BY id DESC LIMIT 1;
SQL
); then
    total=$(sed -n 1p <<<"$out")
    fitted=$(sed -n 2p <<<"$out")
    workers=$(sed -n "s/.*mlpipe: \\([0-9]*\\) parallel workers.*/\\1/p" "$scratch/train.log" | head -1)
    if [[ -n "$workers" ]]; then
        PLAN_TRAIN="parallel, leader + $workers workers each loading a share of the table"
    fi
    BREAKDOWN=$(awk -v t="$total" -v f="$fitted" 'BEGIN {
        printf "load+split+fit %.0f ms (%.0f%%), evaluate+store %.0f ms (%.0f%%); total %.0f ms",
            f, 100*f/t, t-f, 100*(t-f)/t, t }')
fi

# ---------------------------------------------------------------------------
# scikit-learn
# ---------------------------------------------------------------------------
echo "== bench: scikit-learn ($PYTHON test/bench_sklearn.py) =="
SK_FIT=""
SK_PREDICT=""
if "$PYTHON" -c "import sklearn, numpy" >/dev/null 2>&1; then
    sk_out=$("$PYTHON" test/bench_sklearn.py --table bench --runs "$RUNS")
    while IFS= read -r line; do echo "   $line"; done <<<"$sk_out"
    SK_FIT=$(awk '$1 == "fit_ms" { print $3 }' <<<"$sk_out")
    SK_PREDICT=$(awk '$1 == "predict_ms" { print $3 }' <<<"$sk_out")
    SK_VERSION=$(sed -n '1s/,.*//p' <<<"$sk_out")
else
    echo "   skipped: $PYTHON cannot import sklearn and numpy (test/deps.sh installs them)"
fi

# ---------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------
MED_SCAN=$(stat median "$TIMES_SCAN")
MED_TRAIN=$(stat median "$TIMES_TRAIN")
MED_PREDICT=$(stat median "$TIMES_PREDICT")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2fx", a / b }'; }
verdict() { awk -v a="$1" -v b="$2" -v lim="$3" 'BEGIN { print (a / b <= lim) ? "PASS" : "MISS" }'; }

row() { # label times
    printf '%-52s %9.1f %9.1f %9.1f\n' "$1" "$(stat median "$2")" "$(stat min "$2")" "$(stat max "$2")"
}

SETTINGS=$(psql_q -F ' ' -c "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name)
    FROM pg_settings WHERE name IN ('max_parallel_workers_per_gather', 'max_parallel_workers',
        'shared_buffers', 'work_mem', 'jit', 'fsync')")
PGVERSION=$(psql_q -c "SELECT version()")
MPWG=$(psql_q -c "SHOW max_parallel_workers_per_gather")
CPU=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)

echo
echo "== mlpipe bench: $ROWS rows x 10 float8 features, server-side ms, median of $RUNS =="
printf '%-52s %9s %9s %9s\n' "measurement" "median" "min" "max"
row "(a) scan: sum(x1+...+x10+y)" "$TIMES_SCAN"
row "(a0) scan, serial (workers_per_gather=0; info)" "$TIMES_SCAN0"
row "(b) mlpipe_train linear_regression, test_size .25" "$TIMES_TRAIN"
row "(c) sum(mlpipe_predict('bench', t))" "$TIMES_PREDICT"
row "(d) mlpipe_linear_solve(mlpipe_linear_stats(...))" "$TIMES_AGG"
row "(g) ridge on bench_cat's 10 numeric columns" "$TIMES_CATNUM"
row "(h) same + c10, c1000 one-hot (43 features)" "$TIMES_CAT"
if [[ -n "$SK_FIT" ]]; then
    printf '%-52s %9.1f\n' "(e) sklearn LinearRegression().fit(X, y)" "$SK_FIT"
    printf '%-52s %9.1f\n' "(f) sklearn predict(X)" "$SK_PREDICT"
fi
echo
echo "ratios"
printf '  %-34s %7s   target <= 1.5x   %s\n' "train / scan   (b/a)" "$(ratio "$MED_TRAIN" "$MED_SCAN")" \
    "$(verdict "$MED_TRAIN" "$MED_SCAN" 1.5)"
printf '  %-34s %7s   target <= 2.5x   %s\n' "predict / scan (c/a)" "$(ratio "$MED_PREDICT" "$MED_SCAN")" \
    "$(verdict "$MED_PREDICT" "$MED_SCAN" 2.5)"
printf '  %-34s %7s   target <= 1.3x   %s\n' "categorical / numeric (h/g)" \
    "$(ratio "$(stat median "$TIMES_CAT")" "$(stat median "$TIMES_CATNUM")")" \
    "$(verdict "$(stat median "$TIMES_CAT")" "$(stat median "$TIMES_CATNUM")" 1.3)"
printf '  %-34s %7s   (info)\n' "train / serial scan (b/a0)" "$(ratio "$MED_TRAIN" "$(stat median "$TIMES_SCAN0")")"
printf '  %-34s %7s   (info)\n' "aggregate / scan (d/a)" "$(ratio "$(stat median "$TIMES_AGG")" "$MED_SCAN")"
printf '  %-34s %7s   (info; >1: mlpipe faster)\n' "sklearn fit / mlpipe train (e/b)" "$(ratio "$SK_FIT" "$MED_TRAIN")"
printf '  %-34s %7s   (info)\n' "sklearn predict / mlpipe (f/c)" "$(ratio "$SK_PREDICT" "$MED_PREDICT")"
echo
echo "plans (max_parallel_workers_per_gather = $MPWG)"
echo "  (a) scan:               $PLAN_SCAN"
echo "  (b) train:              $PLAN_TRAIN"
echo "  (c) predict:            $PLAN_PREDICT"
echo "  (d) aggregate:          $PLAN_AGG"
echo "train breakdown (one extra run): $BREAKDOWN"
echo
echo "machine"
echo "  nproc:      $(nproc)"
echo "  cpu:        ${CPU:-unknown}"
echo "  postgres:   $PGVERSION"
echo "  settings:   $SETTINGS"
echo "  sklearn:    ${SK_VERSION:-not run}"
echo "  date:       $(date -u '+%Y-%m-%d %H:%M UTC')"
