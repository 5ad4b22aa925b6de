-- Bad input gets a clear error with a fitting SQLSTATE, and leaves no
-- catalog rows behind.
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    msg text;
    hint text;
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
    RETURN SQLSTATE || ': ' || msg || CASE WHEN hint <> '' THEN ' (hint: ' || hint || ')' ELSE '' END;
END $$;

CREATE TABLE t (a float8, b float8, c float8, y float8, label text, n int);
INSERT INTO t SELECT i, (i * 7) % 11, sqrt(i), 2 * i + 1 + (i % 3), 'x' || i % 2, i
FROM generate_series(1, 40) i;
CREATE TABLE counts AS
SELECT (SELECT count(*) FROM mlpipe.projects) AS projects,
       (SELECT count(*) FROM mlpipe.models) AS models,
       (SELECT count(*) FROM mlpipe.metrics) AS metrics,
       (SELECT count(*) FROM mlpipe.deployments) AS deployments;

-- unknown things
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'no_such_table', 'y')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'SELECT * FROM no_such_table', 'y')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'no_such_column')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', features => ARRAY['a', 'zz'])$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', exclude => ARRAY['zz'])$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', 'deep_forest')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', task => 'ranking')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', 'linear_regression', task => 'classification')$$);
SELECT pg_temp.err($$SELECT mlpipe_predict('no_such_project', '{"a": 1}'::jsonb)$$);
SELECT pg_temp.err($$SELECT mlpipe_predict(999999, '{"a": 1}'::jsonb)$$);
SELECT pg_temp.err($$SELECT * FROM mlpipe_coefficients('no_such_project')$$);
SELECT pg_temp.err($$SELECT mlpipe_deploy('no_such_project')$$);

-- wrong types and shapes of data
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'label', 'ridge')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'SELECT a, n * INTERVAL ''1 day'' AS d, y FROM t', 'y')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'SELECT a, n * INTERVAL ''1 day'' AS d, y FROM t', 'y', features => ARRAY['a', 'd'])$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', features => ARRAY['a', 'y'])$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', features => ARRAY['a', 'a'])$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'SELECT a, a, y FROM t', 'y')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'SELECT y FROM t', 'y')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'SELECT a, y FROM t WHERE false', 'y')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'SELECT a, b, y FROM t LIMIT 2', 'y', test_size => 0)$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'SELECT a, b, c, y FROM t LIMIT 3', 'y', test_size => 0)$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'SELECT a, 5 AS k, y FROM t', 'y')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'SELECT a, 5.0 AS y FROM t', 'y')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'SELECT a, NULL::float8 AS b, y FROM t', 'y')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'SELECT a, CASE WHEN n % 10 = 0 THEN NULL ELSE b END AS b, y FROM t', 'y', preprocess => '{"*": {"impute": "error"}}')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'SELECT a, CASE WHEN n = 7 THEN ''NaN''::float8 ELSE b END AS b, y FROM t', 'y')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'SELECT a, CASE WHEN n = 9 THEN ''-Infinity''::float8 ELSE b END AS b, y FROM t', 'y')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'SELECT a, b, CASE WHEN n = 3 THEN ''NaN''::numeric ELSE y::numeric END AS y FROM t', 'y')$$);

-- not a query: nothing but SELECT is run
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'SELECT a, y FROM t; SELECT 1', 'y')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'WITH d AS (DELETE FROM t RETURNING *) SELECT a, y FROM d', 'y')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'SELECT a, y INTO t2 FROM t', 'y')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'DELETE FROM t', 'y')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'SELEC a FROM t', 'y')$$);
SELECT count(*) AS rows_still_there FROM t;

-- arguments
SELECT pg_temp.err($$SELECT mlpipe_train('', 't', 'y')$$);
SELECT pg_temp.err($$SELECT mlpipe_train(NULL, 't', 'y')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', NULL, 'y')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', test_size => 1)$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', test_size => -0.1)$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', test_size => 'NaN')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', deploy => 'sometimes')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', features => ARRAY['a', NULL])$$);

-- hyperparameters: unknown, mistyped, out of range
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', hyperparams => '{"alpha": 1}')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', 'ridge', hyperparams => '{"alpah": 1}')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', 'ridge', hyperparams => '{"alpha": "big"}')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', 'ridge', hyperparams => '{"alpha": -1}')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', 'lasso', hyperparams => '{"alpha": 0}')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', 'lasso', hyperparams => '{"max_iter": 2.5}')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', 'elastic_net', hyperparams => '{"l1_ratio": 1.5}')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', 'ridge', hyperparams => '[1, 2]')$$);
SELECT pg_temp.err($$SELECT mlpipe_train('e', 't', 'y', 'ridge', hyperparams => '{"alpha": null}')$$);

-- data whose squares overflow float8 gives no model
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'SELECT a * 1e300 AS a, b, y FROM t', 'y')$$);

-- the memory budget
SET mlpipe.max_memory = '1MB';
SELECT pg_temp.err($$SELECT mlpipe_train('e', 'SELECT i::float8 AS a, (i % 7)::float8 AS b, i * 2.0 AS y FROM generate_series(1, 100000) i', 'y')$$);
RESET mlpipe.max_memory;

-- nothing was written by any of the failures above
SELECT (SELECT count(*) FROM mlpipe.projects) = projects AS no_projects,
       (SELECT count(*) FROM mlpipe.models) = models AS no_models,
       (SELECT count(*) FROM mlpipe.metrics) = metrics AS no_metrics,
       (SELECT count(*) FROM mlpipe.deployments) = deployments AS no_deployments
FROM counts;

-- a model to score against
SELECT deployed FROM mlpipe_train('e', 't', 'y', exclude => ARRAY['label', 'n'],
    preprocess => '{"*": {"impute": "error"}}');
-- predict: missing features, NULLs, wrong types and lengths
SELECT pg_temp.err($$SELECT mlpipe_predict('e', '{"a": 1, "b": 2}'::jsonb)$$);
SELECT pg_temp.err($$SELECT mlpipe_predict('e', '{"a": 1, "b": 2, "c": null}'::jsonb)$$);
SELECT pg_temp.err($$SELECT mlpipe_predict('e', '{"a": 1, "b": 2, "c": "three"}'::jsonb)$$);
SELECT pg_temp.err($$SELECT mlpipe_predict('e', '[1, 2, 3]'::jsonb)$$);
SELECT pg_temp.err($$SELECT mlpipe_predict('e', ARRAY[1, 2]::float8[])$$);
SELECT pg_temp.err($$SELECT mlpipe_predict('e', ARRAY[1, NULL, 3]::float8[])$$);
SELECT pg_temp.err($$SELECT mlpipe_predict('e', ARRAY[1, 'NaN', 3]::float8[])$$);
SELECT pg_temp.err($$SELECT mlpipe_predict('e', ARRAY[1, 2, '-Infinity']::float8[])$$);
SELECT pg_temp.err($$SELECT mlpipe_predict('e', ARRAY[[1, 2, 3]]::float8[])$$);
SELECT pg_temp.err($$SELECT mlpipe_predict('e', r) FROM (SELECT 1.0 AS a, 2.0 AS b) r$$);
SELECT pg_temp.err($$SELECT mlpipe_predict('e', r) FROM (SELECT 1.0 AS a, 2.0 AS b, NULL::int AS c) r$$);
SELECT pg_temp.err($$SELECT mlpipe_predict('e', r) FROM (SELECT 1.0 AS a, 2.0 AS b, 'x'::text AS c) r$$);
SELECT mlpipe_predict('e', NULL::float8[]) IS NULL AS null_row_is_null;
-- a project with no live model
SELECT deployed FROM mlpipe_train('e_nolive', 't', 'y', exclude => ARRAY['label', 'n'], deploy => 'never');
SELECT pg_temp.err($$SELECT mlpipe_predict('e_nolive', ARRAY[1, 2, 3]::float8[])$$);
-- a project keeps its task; deploy argument checks
SELECT pg_temp.err($$SELECT mlpipe_deploy('e', strategy => 'newest')$$);
SELECT pg_temp.err($$SELECT mlpipe_deploy('e', model_id => 999999)$$);
SELECT pg_temp.err($$SELECT mlpipe_deploy('e', strategy => 'rollback')$$);
SELECT pg_temp.err($$SELECT mlpipe_deploy(NULL)$$);

-- the statistics aggregate and solver validate their input
SELECT pg_temp.err($$SELECT mlpipe_linear_stats(y, x) FROM (VALUES (1.0::float8, ARRAY[1.0::float8]), (2, ARRAY[1.0, 2.0])) v(y, x)$$);
SELECT pg_temp.err($$SELECT mlpipe_linear_stats(y, x) FROM (VALUES (1.0::float8, ARRAY['Infinity'::float8])) v(y, x)$$);
SELECT pg_temp.err($$SELECT mlpipe_linear_solve(ARRAY[1, 2, 3]::float8[])$$);
SELECT pg_temp.err($$SELECT mlpipe_linear_solve(mlpipe_linear_stats(y, ARRAY[a])) FROM t WHERE n = 1$$);
SELECT pg_temp.err($$SELECT mlpipe_linear_solve(mlpipe_linear_stats(y, ARRAY[a]), 'kmeans') FROM t$$);
SELECT pg_temp.err($$SELECT mlpipe_mse(y, yhat) FROM (VALUES (1.0::float8, 2.0::float8)) v(y, yhat) GROUP BY y HAVING mlpipe_mse_final('{1,2}') > 0$$);
