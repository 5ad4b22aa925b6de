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
#      and reads it once to warm the cache; then the tables derived from it:
#      bench_cat (two text columns), bench_cls (a boolean label drawn from a
#      logistic rule of y) and bench_pred (label, prediction, score).
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

-- Binary classification: the same x's and a boolean label drawn with the
-- probability 1 / (1 + exp(3.25 - y)), 3.25 being y's expectation (seeded as
-- above).  The label is noisy, so the classes are not separable (a logistic
-- regression reaches about 78% training accuracy) and balanced (50.0% true).
-- Without y, and with one boolean in place of y's float8, the table has the
-- same row width and size as bench, so (a) is its scan limit too.
SELECT setseed(0.17) \g /dev/null
CREATE TABLE bench_cls AS
SELECT x1, x2, x3, x4, x5, x6, x7, x8, x9, x10,
       random() < 1 / (1 + exp(3.25 - y)) AS label
FROM bench;
VACUUM ANALYZE bench_cls;

-- Rows for the classification metric aggregates: each label with a score,
-- the probability of true from y's noiseless linear part (no random(), so
-- deterministic given bench_cls), and the prediction score >= 0.5.
CREATE TABLE bench_pred AS
SELECT label, score >= 0.5 AS predicted, score
FROM (SELECT label,
             1 / (1 + exp(1.75 - 2*x1 + 3*x2 - 0.5*x3 - 4*x4 + x5 - 0.25*x6 - 3*x7
                           + 2.5*x8 - x9 + 0.75*x10)) AS score
      FROM bench_cls) s;
VACUUM ANALYZE bench_pred;
SELECT count(*) FROM bench_cls WHERE label \g /dev/null
SELECT count(*) FROM bench_pred WHERE label \g /dev/null

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
printf '   tables ready in %.1f s (%s)\n' "$(awk -v a="$t_setup" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" \
    "$(psql_q -c "SELECT string_agg(t || ' ' || pg_size_pretty(pg_relation_size(t)), ', ')
                  FROM unnest(ARRAY['bench', 'bench_cat', 'bench_cls', 'bench_pred']) t")"

# ---------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------
Q_SCAN="SELECT sum(x1+x2+x3+x4+x5+x6+x7+x8+x9+x10+y) FROM bench"
Q_TRAIN="SELECT * FROM mlpipe_train('bench', 'bench', 'y', 'linear_regression', deploy => 'always')"
Q_PREDICT="SELECT sum(mlpipe_predict('bench', t)) FROM bench t"
Q_CATNUM="SELECT * FROM mlpipe_train('bench_catnum', 'SELECT x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, y FROM bench_cat', 'y', 'ridge', deploy => 'always')"
Q_CAT="SELECT * FROM mlpipe_train('bench_cat', 'bench_cat', 'y', 'ridge', deploy => 'always')"
Q_AGG="SELECT mlpipe_linear_solve(mlpipe_linear_stats(y, ARRAY[x1,x2,x3,x4,x5,x6,x7,x8,x9,x10])) FROM bench"
# Classification trains on every row (test_size 0), as scikit-learn's fit
# does; the metrics of the training split are still computed and stored.
Q_LOGIT="SELECT * FROM mlpipe_train('bench_logit', 'bench_cls', 'label', 'logistic_regression', test_size => 0, deploy => 'always')"
Q_NB="SELECT * FROM mlpipe_train('bench_nb', 'bench_cls', 'label', 'naive_bayes', test_size => 0, deploy => 'always')"
# The metric aggregates' scan limit reads the same three columns once, with
# built-in aggregates (the first is plain SQL accuracy).
Q_MSCAN="SELECT count(*) FILTER (WHERE label = predicted), sum(score) FROM bench_pred"
Q_ACC="SELECT mlpipe_accuracy(label, predicted) FROM bench_pred"
Q_F1="SELECT mlpipe_f1(label, predicted, true) FROM bench_pred"
Q_LOGLOSS="SELECT mlpipe_log_loss(label, score) FROM bench_pred"
Q_AUC="SELECT mlpipe_roc_auc(label, score) FROM bench_pred"
Q_CONF="SELECT mlpipe_f1(mlpipe_confusion(label, predicted), 'binary', 't') FROM bench_pred"

# time_query NAME SQL [SETUP_SQL]: warm-up + RUNS timed runs in one session,
# each statement its own transaction; sets TIMES_<NAME> (space-separated ms).
# The session's messages (stderr) go to $scratch/NAME.log.
time_query() {
    local name=$1 q=$2 setup=${3:-} script out
    script="$setup"$'\n'
    for ((i = 0; i <= RUNS; i++)); do
        script+="SELECT bench_once(\$bench\$$q\$bench\$);"$'\n'
    done
    if ! out=$(printf '%s' "$script" | psql_q -f - 2>"$scratch/$name.log"); then
        cat "$scratch/$name.log" >&2
        exit 1
    fi
    out=$(tail -n "$RUNS" <<<"$out" | tr '\n' ' ')
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
# DEBUG1 in these sessions: mlpipe_train says when it trains in parallel.
time_query LOGIT "$Q_LOGIT" "SET client_min_messages = debug1;"
time_query NB "$Q_NB" "SET client_min_messages = debug1;"
time_query MSCAN "$Q_MSCAN"
time_query ACC "$Q_ACC"
time_query F1 "$Q_F1"
time_query LOGLOSS "$Q_LOGLOSS"
time_query AUC "$Q_AUC"
time_query CONF "$Q_CONF"

# Plans of (a), (c), (d), (m), (m4): one EXPLAIN ANALYZE each (not timed)
# for the planned and launched workers.
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
PLAN_MSCAN=$(plan_shape "$Q_MSCAN")
PLAN_AUC=$(plan_shape "$Q_AUC")

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

# Classification: how each training read the table (the DEBUG1 line in its
# timed session's log), its last timed run split like the breakdown above
# (no extra run: models.train_seconds of the newest model belongs to the
# last timed call), and the training accuracy it stored.
cls_plan() {
    if grep -q "mlpipe: training in parallel" "$scratch/$1.log"; then
        echo "parallel (workers loading shares of the table)"
    else
        echo "serial (one process)"
    fi
}
cls_breakdown() { # NAME PROJECT
    local times=TIMES_$1 total fitted
    total=${!times##* }
    fitted=$(psql_q -c "SELECT m.train_seconds * 1000 FROM mlpipe.models m
        JOIN mlpipe.projects p ON p.id = m.project_id WHERE p.name = '$2' ORDER BY m.id DESC LIMIT 1")
    awk -v t="$total" -v f="$fitted" 'BEGIN {
        printf "load+split+fit %.0f ms (%.0f%%), evaluate+store %.0f ms (%.0f%%); total %.0f ms",
            f, 100*f/t, t-f, 100*(t-f)/t, t }'
}
cls_accuracy() { # PROJECT
    psql_q -c "SELECT x.value FROM mlpipe.metrics x JOIN mlpipe.models m ON m.id = x.model_id
        JOIN mlpipe.projects p ON p.id = m.project_id
        WHERE p.name = '$1' AND x.split = 'train' AND x.metric = 'accuracy' AND x.class IS NULL
        ORDER BY m.id DESC LIMIT 1"
}
PLAN_LOGIT=$(cls_plan LOGIT)
PLAN_NB=$(cls_plan NB)
BREAKDOWN_LOGIT=$(cls_breakdown LOGIT bench_logit)
BREAKDOWN_NB=$(cls_breakdown NB bench_nb)
ACC_LOGIT=$(cls_accuracy bench_logit)
ACC_NB=$(cls_accuracy bench_nb)
# intercept, x1..x10 in the raw features' units, for the comparison below
COEF_LOGIT=$(psql_q -c "SELECT string_agg(coefficient::text, ' ' ORDER BY n)
    FROM mlpipe_coefficients('bench_logit') WITH ORDINALITY AS c(feature, class, coefficient, n)")

# ---------------------------------------------------------------------------
# scikit-learn
# ---------------------------------------------------------------------------
echo "== bench: scikit-learn ($PYTHON test/bench_sklearn.py) =="
SK_FIT=""
SK_PREDICT=""
if "$PYTHON" -c "import sklearn, numpy" >/dev/null 2>&1; then
    sk_out=$("$PYTHON" test/bench_sklearn.py --table bench --class-table bench_cls --runs "$RUNS")
    while IFS= read -r line; do echo "   $line"; done <<<"$sk_out"
    sk() { awk -v k="$1" -v f="$2" '$1 == k { print $f }' <<<"$sk_out"; }
    SK_FIT=$(sk fit_ms 3)
    SK_PREDICT=$(sk predict_ms 3)
    SK_LR_SCALE=$(sk lr_scale_ms 3)
    SK_LR_FIT=$(sk lr_fit_ms 3)
    SK_LR_TOTAL=$(sk lr_total_ms 3)
    SK_LR_ITER=$(sk lr_iterations 2)
    SK_LR_ACC=$(sk lr_accuracy 2)
    SK_NB_FIT=$(sk nb_fit_ms 3)
    SK_NB_ACC=$(sk nb_accuracy 2)
    SK_LR_COEF=$(sed -n 's/^lr_coef_raw //p' <<<"$sk_out")
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
verdict() { awk -v a="$1" -v b="$2" -v lim="$3" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else print (a / b <= lim) ? "PASS" : "MISS" }'; }
# target_row LABEL NUMERATOR DENOMINATOR LIMIT: a ratio with its target
target_row() {
    printf '  %-34s %7s   target <= %-5s  %s\n' "$1" "$(ratio "$2" "$3")" "$4x" "$(verdict "$2" "$3" "$4")"
}

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
row "(i) mlpipe_train logistic_regression, test_size 0" "$TIMES_LOGIT"
row "(j) mlpipe_train naive_bayes, test_size 0" "$TIMES_NB"
row "(m) scan: count(label = predicted), sum(score)" "$TIMES_MSCAN"
row "(m1) mlpipe_accuracy(label, predicted)" "$TIMES_ACC"
row "(m2) mlpipe_f1(label, predicted, true)" "$TIMES_F1"
row "(m3) mlpipe_log_loss(label, score)" "$TIMES_LOGLOSS"
row "(m4) mlpipe_roc_auc(label, score)" "$TIMES_AUC"
row "(m5) mlpipe_f1(mlpipe_confusion(label, predicted))" "$TIMES_CONF"
if [[ -n "$SK_FIT" ]]; then
    printf '%-52s %9.1f\n' "(e) sklearn LinearRegression().fit(X, y)" "$SK_FIT"
    printf '%-52s %9.1f\n' "(f) sklearn predict(X)" "$SK_PREDICT"
    printf '%-52s %9.1f\n' "(k) sklearn StandardScaler + LogisticRegression fit" "$SK_LR_TOTAL"
    printf '%-52s %9.1f\n' "(k1)  of which LogisticRegression(lbfgs).fit" "$SK_LR_FIT"
    printf '%-52s %9.1f\n' "(k2)  of which StandardScaler().fit_transform(X)" "$SK_LR_SCALE"
    printf '%-52s %9.1f\n' "(l) sklearn GaussianNB().fit(X, label)" "$SK_NB_FIT"
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
MED_LOGIT=$(stat median "$TIMES_LOGIT")
MED_MSCAN=$(stat median "$TIMES_MSCAN")
target_row "logistic / sklearn (i/k)" "$MED_LOGIT" "$SK_LR_TOTAL" 1.0
target_row "naive_bayes / scan (j/a)" "$(stat median "$TIMES_NB")" "$MED_SCAN" 1.5
target_row "accuracy / metric scan (m1/m)" "$(stat median "$TIMES_ACC")" "$MED_MSCAN" 1.5
target_row "f1 / metric scan (m2/m)" "$(stat median "$TIMES_F1")" "$MED_MSCAN" 1.5
target_row "log_loss / metric scan (m3/m)" "$(stat median "$TIMES_LOGLOSS")" "$MED_MSCAN" 1.5
target_row "roc_auc / metric scan (m4/m)" "$(stat median "$TIMES_AUC")" "$MED_MSCAN" 1.5
target_row "confusion f1 / metric scan (m5/m)" "$(stat median "$TIMES_CONF")" "$MED_MSCAN" 1.5
printf '  %-34s %7s   (info)\n' "train / serial scan (b/a0)" "$(ratio "$MED_TRAIN" "$(stat median "$TIMES_SCAN0")")"
printf '  %-34s %7s   (info)\n' "aggregate / scan (d/a)" "$(ratio "$(stat median "$TIMES_AGG")" "$MED_SCAN")"
printf '  %-34s %7s   (info; >1: mlpipe faster)\n' "sklearn fit / mlpipe train (e/b)" "$(ratio "$SK_FIT" "$MED_TRAIN")"
printf '  %-34s %7s   (info)\n' "sklearn predict / mlpipe (f/c)" "$(ratio "$SK_PREDICT" "$MED_PREDICT")"
printf '  %-34s %7s   (info; sklearn without the scaler)\n' "logistic / sklearn fit (i/k1)" "$(ratio "$MED_LOGIT" "$SK_LR_FIT")"
printf '  %-34s %7s   (info)\n' "logistic / scan (i/a)" "$(ratio "$MED_LOGIT" "$MED_SCAN")"
printf '  %-34s %7s   (info)\n' "naive_bayes / sklearn (j/l)" "$(ratio "$(stat median "$TIMES_NB")" "$SK_NB_FIT")"
echo
echo "training accuracy (all 1,000,000 rows)"
if [[ -n "$SK_LR_ACC" ]]; then
    awk -v a="$ACC_LOGIT" -v b="$SK_LR_ACC" 'BEGIN { d = a - b; if (d < 0) d = -d
        printf "  %-34s mlpipe %.6f, sklearn %.6f, |diff| %.6f   target <= 0.002   %s\n",
            "logistic_regression", a, b, d, (d <= 0.002) ? "PASS" : "MISS" }'
    awk -v a="$ACC_NB" -v b="$SK_NB_ACC" 'BEGIN { d = a - b; if (d < 0) d = -d
        printf "  %-34s mlpipe %.6f, sklearn %.6f, |diff| %.6f   (info)\n", "naive_bayes", a, b, d }'
    # intercept and x1..x10 in raw units, both sides
    awk -v a="$COEF_LOGIT" -v b="$SK_LR_COEF" -v it="$SK_LR_ITER" 'BEGIN {
        n = split(a, x, " "); m = split(b, y, " "); big = 0; d = 0
        for (i = 1; i <= m; i++) { v = y[i] < 0 ? -y[i] : y[i]; if (v > big) big = v }
        for (i = 1; i <= m; i++) { v = x[i] - y[i]; if (v < 0) v = -v; if (v > d) d = v }
        if (n != m || big == 0) print "  logistic coefficients: n/a"
        else printf "  %-34s max |diff| / max |coef| = %.1e   (info; sklearn lbfgs stopped after %d iterations)\n",
            "logistic coefficients vs sklearn", d / big, it }'
else
    echo "  mlpipe: logistic_regression $ACC_LOGIT, naive_bayes $ACC_NB (sklearn not run)"
fi
echo
echo "plans (max_parallel_workers_per_gather = $MPWG)"
echo "  (a) scan:               $PLAN_SCAN"
echo "  (b) train:              $PLAN_TRAIN"
echo "  (c) predict:            $PLAN_PREDICT"
echo "  (d) aggregate:          $PLAN_AGG"
echo "  (i) logistic train:     $PLAN_LOGIT"
echo "  (j) naive_bayes train:  $PLAN_NB"
echo "  (m) metric scan:        $PLAN_MSCAN"
echo "  (m4) roc_auc:           $PLAN_AUC"
echo "train breakdown (one extra run): $BREAKDOWN"
echo "logistic breakdown (last timed run): $BREAKDOWN_LOGIT"
echo "naive_bayes breakdown (last timed run): $BREAKDOWN_NB"
# a classifier that did not converge would only say so in its session's log
grep -h 'WARNING' "$scratch/LOGIT.log" "$scratch/NB.log" | sort -u | sed 's/^/  /' || true
echo
echo "machine"
echo "  nproc:      $(nproc)"
echo "  cpu:        ${CPU:-unknown}"
echo "  postgres:   $PGVERSION"
echo "  settings:   $SETTINGS"
echo "  sklearn:    ${SK_VERSION:-not run}"
echo "  date:       $(date -u '+%Y-%m-%d %H:%M UTC')"
