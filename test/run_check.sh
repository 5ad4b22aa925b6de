#!/usr/bin/env bash
# Run every test suite against a throwaway cluster and print the totals.
#
#   test/run_check.sh [--pg_regress-option ...] REGRESS_TEST...
#
# 1. pg_regress runs REGRESS_TEST... (inputs sql/<name>.sql, expected output
#    expected/<name>.out, both relative to the repo root).  Arguments that
#    start with "--" are passed through to pg_regress unchanged.
# 2. Every executable test/suites/*.sh runs, in sorted order, from the repo
#    root, with PGHOST/PGPORT/PGUSER/PGDATABASE pointing at the cluster.
#    Exit 0 counts as one pass, anything else as one failure -- unless the
#    suite's last line is "N passed, N failed", in which case those counts
#    are used (and a non-zero exit still counts at least one failure).
#
# The last line printed is always "N passed, N failed" (totals); the exit
# status is 1 if anything failed or nothing ran at all.
#
# Environment: PG_CONFIG (default /usr/lib/postgresql/15/bin/pg_config).
set -euo pipefail

cd "$(dirname "$0")/.."

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
PG_BIN=$("$PG_CONFIG" --bindir)
# pg_regress is installed next to the PGXS makefiles (postgresql-client-15).
PG_REGRESS=$(dirname "$("$PG_CONFIG" --pgxs)")/../../src/test/regress/pg_regress
MAX_DIFF_LINES=300

regress_opts=()
regress_tests=()
for arg in "$@"; do
    if [[ "$arg" == --* ]]; then
        regress_opts+=("$arg")
    else
        regress_tests+=("$arg")
    fi
done

passed=0
failed=0
scratch=$(mktemp -d /tmp/mlpipe-check.XXXXXX)

# Always stop the cluster, whatever happens (test failure, error, Ctrl-C).
# INT/TERM are turned into a normal exit so the EXIT trap runs exactly once.
cleanup() {
    test/cluster.sh stop >/dev/null 2>&1 || true
    rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

test/cluster.sh start
# shellcheck disable=SC1091
source tmp/cluster.env
export PGHOST PGPORT PGUSER PGDATABASE
export PATH="$PG_BIN:$PATH"  # suites get the matching psql etc. first

# ---------------------------------------------------------------- pg_regress
run_regress() {
    local out=$scratch/pg_regress.out rc=0
    local r_pass=0 r_fail=0 line name result

    echo "== pg_regress: ${regress_opts[*]} ${regress_tests[*]} =="
    "$PG_REGRESS" --inputdir=. --bindir="$PG_BIN" \
        --host="$PGHOST" --port="$PGPORT" --user=postgres \
        --dbname=contrib_regression "${regress_opts[@]}" "${regress_tests[@]}" \
        </dev/null 2>&1 | tee "$out" || rc=${PIPESTATUS[0]}

    # One result line per test.  PG 15 prints, depending on serial/parallel:
    #   test foo                          ... ok           12 ms
    #        foo                          ... FAILED       30 ms
    #   test foo                          ... failed (ignored)
    #   test foo                          ... FAILED (test process exited with exit code 2)
    # PG 16+ prints TAP instead ("ok 1  - foo  12 ms", "not ok 2 - foo"),
    # so accept both.
    local re_classic='^(test[[:space:]]+|[[:space:]]+)?([^[:space:]]+)[[:space:]]+\.\.\.[[:space:]]+(ok|FAILED|failed \(ignored\))'
    local re_tap='^(not )?ok[[:space:]]+[0-9]+[[:space:]]+[-+][[:space:]]+([^[:space:]]+)'
    while IFS= read -r line; do
        if [[ "$line" =~ $re_classic ]]; then
            result=${BASH_REMATCH[3]}
        elif [[ "$line" =~ $re_tap ]]; then
            result=${BASH_REMATCH[1]:+FAILED}
            result=${result:-ok}
        else
            continue
        fi
        if [[ "$result" == FAILED ]]; then
            r_fail=$((r_fail + 1))
        else
            r_pass=$((r_pass + 1)) # "ok" and "failed (ignored)"
        fi
    done <"$out"

    # Tests without a result line never ran (e.g. pg_regress died early):
    # count them as failures, and never let a failing pg_regress look green.
    local missing=$((${#regress_tests[@]} - r_pass - r_fail))
    if ((missing > 0)); then
        r_fail=$((r_fail + missing))
    fi
    if ((rc != 0 && r_fail == 0)); then
        r_fail=1
    fi

    if ((r_fail > 0)) && [[ -s regression.diffs ]]; then
        echo "== regression.diffs (first $MAX_DIFF_LINES lines) =="
        head -n "$MAX_DIFF_LINES" regression.diffs
        local total
        total=$(wc -l <regression.diffs)
        if ((total > MAX_DIFF_LINES)); then
            echo "... ($((total - MAX_DIFF_LINES)) more lines in regression.diffs)"
        fi
    fi
    echo "-- pg_regress: $r_pass passed, $r_fail failed"
    passed=$((passed + r_pass))
    failed=$((failed + r_fail))
}

# (options alone, e.g. --schedule=FILE, also make pg_regress run)
if ((${#regress_tests[@]} + ${#regress_opts[@]} > 0)); then
    run_regress
else
    echo "== pg_regress: no tests given, skipped =="
fi

# ------------------------------------------------------------ shell suites
run_suite() {
    local suite=$1 name out=$scratch/suite.out rc=0 last
    name=$(basename "$suite" .sh)
    echo "== suite $name =="
    # Output is streamed (benchmarks can be slow) and kept for parsing.
    "$suite" </dev/null 2>&1 | tee "$out" || rc=${PIPESTATUS[0]}

    # Last non-empty line, without a trailing CR or blanks.
    last=$(grep -v '^[[:space:]]*$' "$out" | tail -n 1 | tr -d '\r' | sed 's/[[:space:]]*$//' || true)
    local s_pass s_fail
    if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        s_pass=${BASH_REMATCH[1]}
        s_fail=${BASH_REMATCH[2]}
        if ((rc != 0 && s_fail == 0)); then
            s_fail=1 # a crashing suite must not look green
        fi
    elif ((rc == 0)); then
        s_pass=1 s_fail=0
    else
        s_pass=0 s_fail=1
    fi
    echo "-- suite $name: exit $rc, $s_pass passed, $s_fail failed"
    passed=$((passed + s_pass))
    failed=$((failed + s_fail))
}

# nullglob: a missing or empty test/suites directory simply runs nothing.
shopt -s nullglob
suites=(test/suites/*.sh)
shopt -u nullglob
for suite in "${suites[@]}"; do # glob results are already sorted
    [[ -f "$suite" && -x "$suite" ]] || continue
    run_suite "$suite"
done

# ------------------------------------------------------------------ summary
echo "$passed passed, $failed failed"
((failed == 0 && passed > 0))
