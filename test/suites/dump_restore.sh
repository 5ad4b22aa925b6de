#!/usr/bin/env bash
# pg_dump / pg_restore keeps every mlpipe catalog row, every model byte and
# the id sequences: the catalog tables and their sequences are extension
# configuration (pg_extension_config_dump), so a custom-format dump of a
# database with trained models must restore to a database that predicts the
# same values and can go on training without duplicate-key errors.
#
# Run from the repo root with PGHOST/PGPORT/PGUSER exported and the
# PostgreSQL 15 binaries first on PATH (test/run_check.sh does both).
set -euo pipefail

cd "$(dirname "$0")/../.."

SRC=mlpipe_dump_src
DST=mlpipe_dump_dst
CATALOG=(projects models metrics deployments)
scratch=$(mktemp -d /tmp/mlpipe-dump.XXXXXX)

# Run one SQL string in a database; unaligned, tuples only, stop on error.
q() {
    psql -X -v ON_ERROR_STOP=1 -qAt -d "$1" -c "$2"
}

drop_dbs() {
    q postgres "DROP DATABASE IF EXISTS $SRC WITH (FORCE)" >/dev/null 2>&1 || true
    q postgres "DROP DATABASE IF EXISTS $DST WITH (FORCE)" >/dev/null 2>&1 || true
}

cleanup() {
    drop_dbs
    rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Compare two captured outputs; on a difference show the start of the diff.
same() {
    local what=$1 a=$2 b=$3
    if ! cmp -s "$a" "$b"; then
        echo "FAIL: $what differs after restore (< source, > restored):" >&2
        diff "$a" "$b" | head -n 40 >&2 || true
        exit 1
    fi
    echo "ok - $what identical ($(wc -l <"$a") lines)"
}

# Everything compared between the two databases, one file per aspect.
snapshot() {
    local db=$1 dir=$scratch/$1 t
    mkdir -p "$dir"
    for t in "${CATALOG[@]}"; do
        q "$db" "SELECT count(*) FROM mlpipe.$t" >"$dir/count_$t"
        # whole rows, timestamps included: a restore must not rewrite them
        q "$db" "SELECT r::text FROM mlpipe.$t r ORDER BY id" >"$dir/rows_$t"
        q "$db" "SELECT last_value, is_called FROM mlpipe.${t}_id_seq" >"$dir/seq_$t"
    done
    q "$db" "SELECT id, md5(model), length(model) FROM mlpipe.models ORDER BY id" \
        >"$dir/model_md5"
    q "$db" "SELECT mlpipe_predict('dump', t) FROM tbl t ORDER BY id" \
        >"$dir/predict_deployed"
    q "$db" "SELECT m.id, t.id, mlpipe_predict(m.id, t)
             FROM mlpipe.models m CROSS JOIN tbl t ORDER BY m.id, t.id" \
        >"$dir/predict_each"
    q "$db" "SELECT p.name, d.model_id FROM mlpipe.deployments d
             JOIN mlpipe.projects p ON p.id = d.project_id ORDER BY d.id" \
        >"$dir/deployments"
}

echo "== source database $SRC"
drop_dbs
q postgres "CREATE DATABASE $SRC TEMPLATE template0"
q "$SRC" "CREATE EXTENSION mlpipe"
# y = 3 + 2*x1 - x2 + a small deterministic wobble (no random())
q "$SRC" "CREATE TABLE tbl (id integer PRIMARY KEY, x1 float8, x2 float8, y float8);
          INSERT INTO tbl
          SELECT g, x1, x2, 3 + 2 * x1 - x2 + ((g * 37) % 11 - 5) / 100.0
          FROM generate_series(1, 200) g,
               LATERAL (SELECT (g % 17) / 4.0 AS x1, ((g * 7) % 23) / 5.0 AS x2) v"
q "$SRC" "SELECT * FROM mlpipe_train('dump', 'tbl', 'y', test_size => 0.25)"
q "$SRC" "SELECT * FROM mlpipe_train('dump', 'tbl', 'y', 'ridge', hyperparams => '{\"alpha\": 1}')"
snapshot "$SRC"
for t in "${CATALOG[@]}"; do
    echo "source mlpipe.$t: $(cat "$scratch/$SRC/count_$t") rows"
done
[[ $(cat "$scratch/$SRC/count_models") == 2 ]] || fail "expected 2 models in $SRC"
[[ $(wc -l <"$scratch/$SRC/predict_deployed") == 200 ]] ||
    fail "expected 200 predictions in $SRC"
[[ -s "$scratch/$SRC/count_metrics" && $(cat "$scratch/$SRC/count_metrics") -gt 0 ]] ||
    fail "training recorded no metrics in $SRC"

echo "== pg_dump -Fc $SRC, pg_restore into $DST"
pg_dump -Fc -f "$scratch/dump.custom" "$SRC"
q postgres "CREATE DATABASE $DST TEMPLATE template0"
pg_restore --exit-on-error -d "$DST" "$scratch/dump.custom"

snapshot "$DST"
for t in "${CATALOG[@]}"; do
    same "row count of mlpipe.$t" "$scratch/$SRC/count_$t" "$scratch/$DST/count_$t"
    same "rows of mlpipe.$t" "$scratch/$SRC/rows_$t" "$scratch/$DST/rows_$t"
    same "sequence mlpipe.${t}_id_seq" "$scratch/$SRC/seq_$t" "$scratch/$DST/seq_$t"
done
same "model bytea md5 per id" "$scratch/$SRC/model_md5" "$scratch/$DST/model_md5"
same "deployments" "$scratch/$SRC/deployments" "$scratch/$DST/deployments"
same "predictions of the deployed model" \
    "$scratch/$SRC/predict_deployed" "$scratch/$DST/predict_deployed"
same "predictions of every model" "$scratch/$SRC/predict_each" "$scratch/$DST/predict_each"

echo "== training after restore"
max_model=$(q "$DST" "SELECT max(id) FROM mlpipe.models")
max_project=$(q "$DST" "SELECT max(id) FROM mlpipe.projects")
max_metric=$(q "$DST" "SELECT max(id) FROM mlpipe.metrics")
new=$(q "$DST" "SELECT model_id || ' ' || version FROM mlpipe_train('dump', 'tbl', 'y', 'ridge',
                hyperparams => '{\"alpha\": 10}', deploy => 'always')") ||
    fail "training in the existing project after restore failed (id sequences not restored?)"
[[ "$new" == "$((max_model + 1)) 3" ]] ||
    fail "new model got id/version '$new', expected '$((max_model + 1)) 3'"
echo "ok - new model in project 'dump' got id $((max_model + 1)), version 3"
new=$(q "$DST" "SELECT model_id FROM mlpipe_train('dump2', 'tbl', 'y')") ||
    fail "training a new project after restore failed"
[[ "$new" == "$((max_model + 2))" ]] ||
    fail "model of a new project got id $new, expected $((max_model + 2))"
project=$(q "$DST" "SELECT id FROM mlpipe.projects WHERE name = 'dump2'")
[[ "$project" -gt "$max_project" ]] ||
    fail "new project got id $project, not above the restored maximum $max_project"
metric=$(q "$DST" "SELECT min(id) FROM mlpipe.metrics WHERE model_id > $max_model")
[[ "$metric" -gt "$max_metric" ]] ||
    fail "new metrics start at id $metric, not above the restored maximum $max_metric"
deployed=$(q "$DST" "SELECT model_id FROM mlpipe.deployments d
                     JOIN mlpipe.projects p ON p.id = d.project_id
                     WHERE p.name = 'dump' ORDER BY d.id DESC LIMIT 1")
[[ "$deployed" == "$((max_model + 1))" ]] ||
    fail "project 'dump' deploys model $deployed after restore, expected $((max_model + 1))"
echo "ok - new project id $project, new metric ids from $metric, new deployment recorded"

echo "dump_restore: ok"
