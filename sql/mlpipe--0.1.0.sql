-- mlpipe 0.1.0: catalog, linear models, scoring and regression metrics.
\echo Use "CREATE EXTENSION mlpipe" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Catalog (schema mlpipe).  The tables are extension configuration tables,
-- so pg_dump keeps the user's projects, models, metrics and deployments.
-- ---------------------------------------------------------------------------
CREATE SCHEMA mlpipe;

CREATE TABLE mlpipe.projects (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (name <> ''),
    task        text NOT NULL
                CHECK (task IN ('regression', 'classification', 'clustering', 'decomposition')),
    versions    integer NOT NULL DEFAULT 0,  -- versions given out so far
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  name NOT NULL DEFAULT current_user
);

CREATE TABLE mlpipe.models (
    id              bigserial PRIMARY KEY,
    project_id      bigint NOT NULL REFERENCES mlpipe.projects (id) ON DELETE CASCADE,
    version         integer NOT NULL CHECK (version > 0),
    algorithm       text NOT NULL,
    task            text NOT NULL,
    hyperparams     jsonb NOT NULL DEFAULT '{}',
    spec            jsonb NOT NULL,
    features        text[] NOT NULL,
    feature_types   text[] NOT NULL,
    target          text,
    n_train         bigint NOT NULL CHECK (n_train >= 0),
    n_test          bigint NOT NULL CHECK (n_test >= 0),
    train_seconds   float8 NOT NULL,
    trained_at      timestamptz NOT NULL DEFAULT now(),
    trained_by      name NOT NULL DEFAULT current_user,
    format_version  integer NOT NULL,
    model           bytea NOT NULL,
    UNIQUE (project_id, version)
);

CREATE TABLE mlpipe.metrics (
    id          bigserial PRIMARY KEY,
    model_id    bigint NOT NULL REFERENCES mlpipe.models (id) ON DELETE CASCADE,
    split       text NOT NULL,
    metric      text NOT NULL,
    class       text,
    value       float8,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX metrics_model_idx ON mlpipe.metrics (model_id, split, metric);

CREATE TABLE mlpipe.deployments (
    id          bigserial PRIMARY KEY,
    project_id  bigint NOT NULL REFERENCES mlpipe.projects (id) ON DELETE CASCADE,
    model_id    bigint NOT NULL REFERENCES mlpipe.models (id) ON DELETE CASCADE,
    strategy    text NOT NULL,
    deployed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    deployed_by name NOT NULL DEFAULT current_user
);
CREATE INDEX deployments_project_idx ON mlpipe.deployments (project_id, id DESC);
CREATE INDEX deployments_model_idx ON mlpipe.deployments (model_id);

SELECT pg_catalog.pg_extension_config_dump('mlpipe.projects', '');
SELECT pg_catalog.pg_extension_config_dump('mlpipe.projects_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('mlpipe.models', '');
SELECT pg_catalog.pg_extension_config_dump('mlpipe.models_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('mlpipe.metrics', '');
SELECT pg_catalog.pg_extension_config_dump('mlpipe.metrics_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('mlpipe.deployments', '');
SELECT pg_catalog.pg_extension_config_dump('mlpipe.deployments_id_seq', '');

-- ---------------------------------------------------------------------------
-- Data in
-- ---------------------------------------------------------------------------
CREATE FUNCTION mlpipe_load_dataset(name text, table_name text DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'mlpipe_load_dataset'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

CREATE FUNCTION mlpipe_load_csv(path text, table_name text,
                                header boolean DEFAULT true,
                                delimiter text DEFAULT ',',
                                null_token text DEFAULT '',
                                program boolean DEFAULT false)
RETURNS bigint
AS 'MODULE_PATHNAME', 'mlpipe_load_csv'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

CREATE FUNCTION mlpipe_describe(source text)
RETURNS TABLE (column_name text, type text, count bigint, nulls bigint,
               distinct_values bigint, mean float8, stddev float8, min float8,
               q1 float8, median float8, q3 float8, max float8, top_values jsonb)
AS 'MODULE_PATHNAME', 'mlpipe_describe'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

-- ---------------------------------------------------------------------------
-- Training and deployment
-- ---------------------------------------------------------------------------
CREATE FUNCTION mlpipe_train(
    project     text,
    source      text,
    target      text,
    algorithm   text DEFAULT NULL,
    task        text DEFAULT NULL,
    hyperparams jsonb DEFAULT '{}',
    preprocess  jsonb DEFAULT '{}',
    features    text[] DEFAULT NULL,
    exclude     text[] DEFAULT NULL,
    test_size   float8 DEFAULT 0.25,
    split       text DEFAULT 'random',
    seed        bigint DEFAULT 42,
    deploy      text DEFAULT 'if_better',
    cv_folds    integer DEFAULT 0)
RETURNS TABLE (model_id bigint, project text, version integer, algorithm text,
               task text, metrics jsonb, deployed boolean)
AS 'MODULE_PATHNAME', 'mlpipe_train'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

CREATE FUNCTION mlpipe_split_test("row" record, test_size float8 DEFAULT 0.25,
                                  split text DEFAULT 'random', seed bigint DEFAULT 42)
RETURNS boolean
AS 'MODULE_PATHNAME', 'mlpipe_split_test'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_split_key("row" record, seed bigint DEFAULT 42)
RETURNS bigint
AS 'MODULE_PATHNAME', 'mlpipe_split_key'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The split mlpipe_train would make, as two new tables.
CREATE FUNCTION mlpipe_split(source text, train_table text, test_table text,
                             test_size float8 DEFAULT 0.25,
                             split text DEFAULT 'random', seed bigint DEFAULT 42)
RETURNS TABLE (train_rows bigint, test_rows bigint)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
    q text := source;
    col text;
    cut text;
    n_train bigint;
    n_test bigint;
BEGIN
    IF source IS NULL OR train_table IS NULL OR test_table IS NULL
       OR test_size IS NULL OR split IS NULL OR seed IS NULL THEN
        RAISE EXCEPTION 'arguments of mlpipe_split must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT (test_size >= 0 AND test_size < 1) THEN
        RAISE EXCEPTION 'test_size must be at least 0 and less than 1'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- a relation name becomes a query; a query is used as it is
    IF q !~ '[[:space:]();]' THEN
        q := format('SELECT * FROM %s', q::regclass);
    END IF;
    IF split LIKE 'order:_%' THEN
        -- the ceil(test_size * n) largest values, with their ties
        col := substr(split, 7);
        EXECUTE format('SELECT %1$I FROM (%2$s) s ORDER BY %1$I DESC NULLS FIRST
                        OFFSET greatest(ceil($1 * (SELECT count(*) FROM (%2$s) c)) - 1, 0) LIMIT 1',
                       col, q)
            INTO cut USING test_size;
        IF test_size = 0 OR cut IS NULL THEN
            EXECUTE format('CREATE TABLE %s AS SELECT * FROM (%s) s', train_table, q);
            EXECUTE format('CREATE TABLE %s AS SELECT * FROM (%s) s WHERE false', test_table, q);
        ELSE
            EXECUTE format('CREATE TABLE %s AS SELECT * FROM (%s) s WHERE NOT (s.%I >= %L)',
                           train_table, q, col, cut);
            EXECUTE format('CREATE TABLE %s AS SELECT * FROM (%s) s WHERE s.%I >= %L',
                           test_table, q, col, cut);
        END IF;
    ELSIF split = 'stratified' OR split LIKE 'stratified:_%' THEN
        -- per value of the column, the floor(test_size * n + 0.5) rows with the
        -- lowest keys (mlpipe_train's split => 'stratified' on its target)
        IF split = 'stratified' THEN
            RAISE EXCEPTION 'mlpipe_split needs the column to stratify on'
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Use split => ''stratified:<column>'', with the target of the training.';
        END IF;
        col := substr(split, 12);
        -- the rules of mlpipe_train's stratified split, whose classes are
        -- the float8 values of a numeric target, else the labels' text
        EXECUTE format('SELECT pg_typeof(mlpipe_split_row.%I)::regtype::text FROM (%s) mlpipe_split_row LIMIT 1',
                       col, q) INTO cut;
        IF cut IN ('smallint', 'integer', 'bigint', 'real', 'double precision', 'numeric') THEN
            cut := 'float8';
        ELSE
            cut := 'text';
        END IF;
        EXECUTE format('SELECT count(*), min(n) FROM (SELECT count(*) AS n FROM (%s) mlpipe_split_row
                        GROUP BY (mlpipe_split_row.%I)::%s) c', q, col, cut)
            INTO n_train, n_test;
        IF n_train > 1000 THEN
            RAISE EXCEPTION 'a stratified split needs a target with at most 1000 distinct values'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF n_test < 2 AND test_size > 0 THEN
            RAISE EXCEPTION 'a stratified split needs at least 2 rows of each target value'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        cut := format('SELECT (mlpipe_split_row.*)::record AS mlpipe_split_row,
                              row_number() OVER (PARTITION BY (mlpipe_split_row.%1$I)::%4$s
                              ORDER BY @extschema@.mlpipe_split_key(mlpipe_split_row.*, %3$L::bigint)) AS rn,
                              count(*) OVER (PARTITION BY (mlpipe_split_row.%1$I)::%4$s) AS n
                       FROM (%2$s) mlpipe_split_row', col, q, seed, cut);
        EXECUTE format('CREATE TABLE %s AS SELECT (x.mlpipe_split_row).* FROM (%s) x
                        WHERE x.rn > floor(%L::float8 * x.n + 0.5)', train_table, cut, test_size);
        EXECUTE format('CREATE TABLE %s AS SELECT (x.mlpipe_split_row).* FROM (%s) x
                        WHERE x.rn <= floor(%L::float8 * x.n + 0.5)', test_table, cut, test_size);
    ELSE
        -- the caller's search_path resolves the source and the tables;
        -- our own function is named with its schema and exact types
        EXECUTE format('CREATE TABLE %s AS SELECT * FROM (%s) mlpipe_split_row '
                       'WHERE NOT @extschema@.mlpipe_split_test(mlpipe_split_row.*, %L::float8, %L::text, %L::bigint)',
                       train_table, q, test_size, split, seed);
        EXECUTE format('CREATE TABLE %s AS SELECT * FROM (%s) mlpipe_split_row '
                       'WHERE @extschema@.mlpipe_split_test(mlpipe_split_row.*, %L::float8, %L::text, %L::bigint)',
                       test_table, q, test_size, split, seed);
    END IF;
    EXECUTE format('SELECT count(*) FROM %s', train_table) INTO n_train;
    EXECUTE format('SELECT count(*) FROM %s', test_table) INTO n_test;
    RETURN QUERY SELECT n_train, n_test;
END
$fn$;

CREATE FUNCTION mlpipe_deploy(project text, model_id bigint DEFAULT NULL,
                              strategy text DEFAULT 'best')
RETURNS bigint
AS 'MODULE_PATHNAME', 'mlpipe_deploy'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

-- ---------------------------------------------------------------------------
-- Scoring.  A text first argument names a project (its deployed model); a
-- bigint names one model.
-- ---------------------------------------------------------------------------
CREATE FUNCTION mlpipe_predict(project text, "row" record) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_predict_row'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_predict(model_id bigint, "row" record) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_predict_row'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_predict(project text, features float8[]) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_predict_array'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_predict(model_id bigint, features float8[]) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_predict_array'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_predict(project text, features jsonb) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_predict_jsonb'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_predict(model_id bigint, features jsonb) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_predict_jsonb'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_predict_proba(project text, "row" record) RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_predict_proba_row'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_predict_class(project text, "row" record, threshold float8 DEFAULT 0.5) RETURNS text
AS 'MODULE_PATHNAME', 'mlpipe_predict_class_row'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_predict_proba(project text, features float8[]) RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_predict_proba_array'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_predict_class(project text, features float8[], threshold float8 DEFAULT 0.5) RETURNS text
AS 'MODULE_PATHNAME', 'mlpipe_predict_class_array'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_predict_proba(project text, features jsonb) RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_predict_proba_jsonb'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_predict_class(project text, features jsonb, threshold float8 DEFAULT 0.5) RETURNS text
AS 'MODULE_PATHNAME', 'mlpipe_predict_class_jsonb'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_classes(project text) RETURNS text[]
AS 'MODULE_PATHNAME', 'mlpipe_classes'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_predict_proba(model_id bigint, "row" record) RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_predict_proba_row'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_predict_class(model_id bigint, "row" record, threshold float8 DEFAULT 0.5) RETURNS text
AS 'MODULE_PATHNAME', 'mlpipe_predict_class_row'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_predict_proba(model_id bigint, features float8[]) RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_predict_proba_array'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_predict_class(model_id bigint, features float8[], threshold float8 DEFAULT 0.5) RETURNS text
AS 'MODULE_PATHNAME', 'mlpipe_predict_class_array'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_predict_proba(model_id bigint, features jsonb) RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_predict_proba_jsonb'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_predict_class(model_id bigint, features jsonb, threshold float8 DEFAULT 0.5) RETURNS text
AS 'MODULE_PATHNAME', 'mlpipe_predict_class_jsonb'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_classes(model_id bigint) RETURNS text[]
AS 'MODULE_PATHNAME', 'mlpipe_classes'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_evaluate(project text, source text)
RETURNS TABLE (metric text, class text, value float8)
AS 'MODULE_PATHNAME', 'mlpipe_evaluate'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

CREATE FUNCTION mlpipe_evaluate(model_id bigint, source text)
RETURNS TABLE (metric text, class text, value float8)
AS 'MODULE_PATHNAME', 'mlpipe_evaluate'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

CREATE FUNCTION mlpipe_coefficients(project text)
RETURNS TABLE (feature text, class text, coefficient float8)
AS 'MODULE_PATHNAME', 'mlpipe_coefficients'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_coefficients(model_id bigint)
RETURNS TABLE (feature text, class text, coefficient float8)
AS 'MODULE_PATHNAME', 'mlpipe_coefficients'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- ---------------------------------------------------------------------------
-- Sufficient statistics of linear models, as an aggregate that parallel
-- query and Citus can split (state: float8[], combine: Chan et al.).
-- ---------------------------------------------------------------------------
CREATE FUNCTION mlpipe_linear_stats_accum(float8[], float8, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_linear_stats_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION mlpipe_linear_stats_combine(float8[], float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_linear_stats_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE mlpipe_linear_stats(y float8, x float8[]) (
    SFUNC = mlpipe_linear_stats_accum,
    STYPE = float8[],
    COMBINEFUNC = mlpipe_linear_stats_combine,
    PARALLEL = SAFE
);

-- naive Bayes's class-conditional counts and moments (labels as numbers,
-- such as class codes): the same float8[] state and Chan merge.
CREATE FUNCTION mlpipe_nb_stats_accum(float8[], float8, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_nb_stats_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION mlpipe_nb_stats_combine(float8[], float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_nb_stats_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE mlpipe_nb_stats(label float8, x float8[]) (
    SFUNC = mlpipe_nb_stats_accum,
    STYPE = float8[],
    COMBINEFUNC = mlpipe_nb_stats_combine,
    PARALLEL = SAFE
);

CREATE FUNCTION mlpipe_nb_solve(stats float8[], var_smoothing float8 DEFAULT 1e-9)
RETURNS TABLE (class float8, prior float8, feature integer, mean float8, var float8)
AS 'MODULE_PATHNAME', 'mlpipe_nb_solve'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;

CREATE FUNCTION mlpipe_linear_solve(stats float8[],
                                    algorithm text DEFAULT 'linear_regression',
                                    hyperparams jsonb DEFAULT '{}')
RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_linear_solve'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ---------------------------------------------------------------------------
-- Regression metric aggregates: (y_true, y_pred); NULL pairs are skipped.
-- ---------------------------------------------------------------------------
CREATE FUNCTION mlpipe_regression_accum(float8[], float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_regression_accum'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_regression_combine(float8[], float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_regression_combine'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mlpipe_mse_final(float8[]) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_mse_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_rmse_final(float8[]) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_rmse_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_mae_final(float8[]) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_mae_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_r2_final(float8[]) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_r2_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE mlpipe_mse(y_true float8, y_pred float8) (
    SFUNC = mlpipe_regression_accum, STYPE = float8[], INITCOND = '{0,0,0,0,0}',
    COMBINEFUNC = mlpipe_regression_combine, FINALFUNC = mlpipe_mse_final,
    PARALLEL = SAFE);
CREATE AGGREGATE mlpipe_rmse(y_true float8, y_pred float8) (
    SFUNC = mlpipe_regression_accum, STYPE = float8[], INITCOND = '{0,0,0,0,0}',
    COMBINEFUNC = mlpipe_regression_combine, FINALFUNC = mlpipe_rmse_final,
    PARALLEL = SAFE);
CREATE AGGREGATE mlpipe_mae(y_true float8, y_pred float8) (
    SFUNC = mlpipe_regression_accum, STYPE = float8[], INITCOND = '{0,0,0,0,0}',
    COMBINEFUNC = mlpipe_regression_combine, FINALFUNC = mlpipe_mae_final,
    PARALLEL = SAFE);
CREATE AGGREGATE mlpipe_r2(y_true float8, y_pred float8) (
    SFUNC = mlpipe_regression_accum, STYPE = float8[], INITCOND = '{0,0,0,0,0}',
    COMBINEFUNC = mlpipe_regression_combine, FINALFUNC = mlpipe_r2_final,
    PARALLEL = SAFE);

-- ---------------------------------------------------------------------------
-- Binary classification metric aggregates.  Labels of any type with an
-- equality operator; NULL rows are skipped; no rows gives NULL.
-- ---------------------------------------------------------------------------
CREATE FUNCTION mlpipe_match_accum(float8[], anyelement, anyelement) RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_match_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_binary_accum(float8[], anyelement, anyelement, anyelement) RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_binary_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_sum_combine(float8[], float8[]) RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_sum_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_accuracy_final(float8[]) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_accuracy_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_precision_final(float8[]) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_precision_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_recall_final(float8[]) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_recall_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_f1_final(float8[]) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_f1_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_mcc_final(float8[]) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_mcc_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_log_loss_accum(float8[], boolean, float8) RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_log_loss_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_log_loss_final(float8[]) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_log_loss_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_scores_accum(float8[], boolean, float8) RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_scores_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_scores_combine(float8[], float8[]) RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_scores_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_roc_auc_final(float8[]) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_roc_auc_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_pr_auc_final(float8[]) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_pr_auc_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ---------------------------------------------------------------------------
-- Multiclass metrics: the confusion of label pairs as a state type of its
-- own (text form {"labels": [...], "counts": [[...]]}), and the metrics of
-- scikit-learn from it.  Labels of any type, compared as the text their type
-- prints; NULL pairs are skipped.
-- ---------------------------------------------------------------------------
CREATE TYPE mlpipe_confusion;
CREATE FUNCTION mlpipe_confusion_in(cstring) RETURNS mlpipe_confusion
AS 'MODULE_PATHNAME', 'mlpipe_confusion_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_confusion_out(mlpipe_confusion) RETURNS cstring
AS 'MODULE_PATHNAME', 'mlpipe_confusion_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE mlpipe_confusion (
    INPUT = mlpipe_confusion_in, OUTPUT = mlpipe_confusion_out,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
CREATE FUNCTION mlpipe_confusion_accum(mlpipe_confusion, anyelement, anyelement)
RETURNS mlpipe_confusion
AS 'MODULE_PATHNAME', 'mlpipe_confusion_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mlpipe_confusion_combine(mlpipe_confusion, mlpipe_confusion)
RETURNS mlpipe_confusion
AS 'MODULE_PATHNAME', 'mlpipe_confusion_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mlpipe_confusion_matrix(mlpipe_confusion) RETURNS jsonb
AS 'MODULE_PATHNAME', 'mlpipe_confusion_matrix_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE mlpipe_confusion(y_true anyelement, y_pred anyelement) (
    SFUNC = mlpipe_confusion_accum, STYPE = mlpipe_confusion,
    COMBINEFUNC = mlpipe_confusion_combine, PARALLEL = SAFE);
CREATE AGGREGATE mlpipe_confusion_matrix(y_true anyelement, y_pred anyelement) (
    SFUNC = mlpipe_confusion_accum, STYPE = mlpipe_confusion,
    COMBINEFUNC = mlpipe_confusion_combine, FINALFUNC = mlpipe_confusion_matrix,
    PARALLEL = SAFE);
CREATE FUNCTION mlpipe_accuracy(confusion mlpipe_confusion) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_confusion_accuracy' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_precision(confusion mlpipe_confusion, average text DEFAULT 'macro',
                                 positive text DEFAULT NULL) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_confusion_precision' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mlpipe_recall(confusion mlpipe_confusion, average text DEFAULT 'macro',
                              positive text DEFAULT NULL) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_confusion_recall' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mlpipe_f1(confusion mlpipe_confusion, average text DEFAULT 'macro',
                          positive text DEFAULT NULL) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_confusion_f1' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mlpipe_mcc(confusion mlpipe_confusion) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_confusion_mcc' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_class_metrics(confusion mlpipe_confusion)
RETURNS TABLE (class text, "precision" float8, recall float8, f1 float8, support float8)
AS 'MODULE_PATHNAME', 'mlpipe_class_metrics' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE mlpipe_accuracy(y_true anyelement, y_pred anyelement) (
    SFUNC = mlpipe_match_accum, STYPE = float8[], INITCOND = '{0,0}',
    COMBINEFUNC = mlpipe_sum_combine, FINALFUNC = mlpipe_accuracy_final,
    PARALLEL = SAFE);
CREATE AGGREGATE mlpipe_precision(y_true anyelement, y_pred anyelement, positive anyelement) (
    SFUNC = mlpipe_binary_accum, STYPE = float8[], INITCOND = '{0,0,0,0}',
    COMBINEFUNC = mlpipe_sum_combine, FINALFUNC = mlpipe_precision_final,
    PARALLEL = SAFE);
CREATE AGGREGATE mlpipe_recall(y_true anyelement, y_pred anyelement, positive anyelement) (
    SFUNC = mlpipe_binary_accum, STYPE = float8[], INITCOND = '{0,0,0,0}',
    COMBINEFUNC = mlpipe_sum_combine, FINALFUNC = mlpipe_recall_final,
    PARALLEL = SAFE);
CREATE AGGREGATE mlpipe_f1(y_true anyelement, y_pred anyelement, positive anyelement) (
    SFUNC = mlpipe_binary_accum, STYPE = float8[], INITCOND = '{0,0,0,0}',
    COMBINEFUNC = mlpipe_sum_combine, FINALFUNC = mlpipe_f1_final,
    PARALLEL = SAFE);
CREATE AGGREGATE mlpipe_mcc(y_true anyelement, y_pred anyelement, positive anyelement) (
    SFUNC = mlpipe_binary_accum, STYPE = float8[], INITCOND = '{0,0,0,0}',
    COMBINEFUNC = mlpipe_sum_combine, FINALFUNC = mlpipe_mcc_final,
    PARALLEL = SAFE);
CREATE AGGREGATE mlpipe_log_loss(y_true boolean, probability float8) (
    SFUNC = mlpipe_log_loss_accum, STYPE = float8[], INITCOND = '{0,0}',
    COMBINEFUNC = mlpipe_sum_combine, FINALFUNC = mlpipe_log_loss_final,
    PARALLEL = SAFE);
CREATE AGGREGATE mlpipe_roc_auc(y_true boolean, score float8) (
    SFUNC = mlpipe_scores_accum, STYPE = float8[], INITCOND = '{0,0}',
    COMBINEFUNC = mlpipe_scores_combine, FINALFUNC = mlpipe_roc_auc_final,
    PARALLEL = SAFE);
CREATE FUNCTION mlpipe_roc_curve_final(float8[]) RETURNS jsonb
AS 'MODULE_PATHNAME', 'mlpipe_roc_curve_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE mlpipe_roc_curve(y_true boolean, score float8) (
    SFUNC = mlpipe_scores_accum, STYPE = float8[], INITCOND = '{0,0}',
    COMBINEFUNC = mlpipe_scores_combine, FINALFUNC = mlpipe_roc_curve_final,
    PARALLEL = SAFE);
CREATE FUNCTION mlpipe_proba_log_loss_accum(float8[], anyelement, float8[], text[]) RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_proba_log_loss_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_proba_accum(float8[], anyelement, float8[], text[]) RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_proba_accum' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_proba_combine(float8[], float8[]) RETURNS float8[]
AS 'MODULE_PATHNAME', 'mlpipe_proba_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mlpipe_roc_auc_ovr_final(float8[]) RETURNS float8
AS 'MODULE_PATHNAME', 'mlpipe_roc_auc_ovr_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- many classes: proba in the order of classes (as mlpipe_predict_proba and
-- mlpipe_classes will give them)
CREATE AGGREGATE mlpipe_log_loss(y_true anyelement, proba float8[], classes text[]) (
    SFUNC = mlpipe_proba_log_loss_accum, STYPE = float8[], INITCOND = '{0,0}',
    COMBINEFUNC = mlpipe_sum_combine, FINALFUNC = mlpipe_log_loss_final,
    PARALLEL = SAFE);
CREATE AGGREGATE mlpipe_roc_auc(y_true anyelement, proba float8[], classes text[]) (
    SFUNC = mlpipe_proba_accum, STYPE = float8[], INITCOND = '{0,0,0}',
    COMBINEFUNC = mlpipe_proba_combine, FINALFUNC = mlpipe_roc_auc_ovr_final,
    PARALLEL = SAFE);
CREATE AGGREGATE mlpipe_pr_auc(y_true boolean, score float8) (
    SFUNC = mlpipe_scores_accum, STYPE = float8[], INITCOND = '{0,0}',
    COMBINEFUNC = mlpipe_scores_combine, FINALFUNC = mlpipe_pr_auc_final,
    PARALLEL = SAFE);

-- ---------------------------------------------------------------------------
-- Views
-- ---------------------------------------------------------------------------
CREATE VIEW mlpipe_models AS
SELECT m.id AS model_id, p.name AS project, m.version, m.algorithm, m.task,
       m.target, m.features, m.n_train, m.n_test, m.train_seconds,
       m.trained_at, m.trained_by,
       (SELECT t.value FROM mlpipe.metrics t
         WHERE t.model_id = m.id AND t.split = 'test' AND t.class IS NULL
           AND t.metric = 'r2' ORDER BY t.id DESC LIMIT 1) AS test_r2,
       m.id = (SELECT d.model_id FROM mlpipe.deployments d
                WHERE d.project_id = m.project_id ORDER BY d.id DESC LIMIT 1) AS live,
       (SELECT t.value FROM mlpipe.metrics t
         WHERE t.model_id = m.id AND t.split = 'test' AND t.class IS NULL
           AND t.metric = 'accuracy' ORDER BY t.id DESC LIMIT 1) AS test_accuracy
FROM mlpipe.models m JOIN mlpipe.projects p ON p.id = m.project_id;

CREATE VIEW mlpipe_projects AS
SELECT p.name AS project, p.task, p.created_at,
       (SELECT count(*) FROM mlpipe.models m WHERE m.project_id = p.id) AS models,
       (SELECT d.model_id FROM mlpipe.deployments d
         WHERE d.project_id = p.id ORDER BY d.id DESC LIMIT 1) AS live_model_id,
       (SELECT d.deployed_at FROM mlpipe.deployments d
         WHERE d.project_id = p.id ORDER BY d.id DESC LIMIT 1) AS deployed_at
FROM mlpipe.projects p;
