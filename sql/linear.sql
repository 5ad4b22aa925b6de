-- Linear models on the diabetes data (raw, as scikit-learn's
-- load_diabetes(scaled=False)) against scikit-learn reference values made
-- by test/reference/make_reference.py.
CREATE TABLE diabetes (age float8, sex float8, bmi float8, bp float8,
                       s1 float8, s2 float8, s3 float8, s4 float8, s5 float8,
                       s6 float8, target float8);
\copy diabetes FROM 'test/data/diabetes.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE ref_coef (model text, feature text, coefficient float8);
\copy ref_coef FROM 'test/reference/linear_coef.csv' WITH (FORMAT csv, HEADER)

-- one model per algorithm, trained on every row (test_size => 0), like the
-- reference fits; lasso/elastic net converge tightly on both sides
CREATE TABLE trained AS
SELECT t.*
FROM (VALUES ('linear_regression', '{}'),
             ('ridge', '{"alpha": 10}'),
             ('lasso', '{"alpha": 0.5, "tol": 1e-12, "max_iter": 1000000}'),
             ('elastic_net', '{"alpha": 0.5, "l1_ratio": 0.7, "tol": 1e-12, "max_iter": 1000000}'))
     AS v(alg, hp),
LATERAL mlpipe_train('diabetes_' || v.alg, 'diabetes', 'target', v.alg,
                     hyperparams => v.hp::jsonb, test_size => 0,
                     preprocess => '{"*": {"scale": "none"}}') AS t;
SELECT project, version, algorithm, task, deployed, metrics ? 'test' AS has_test
FROM trained ORDER BY model_id;

-- coefficients agree with scikit-learn to 1e-6 relative
SELECT r.model, r.feature,
       abs(c.coefficient - r.coefficient) <= 1e-6 * abs(r.coefficient) AS agrees
FROM ref_coef r
JOIN trained t ON t.algorithm = r.model
JOIN LATERAL mlpipe_coefficients(t.model_id) c ON c.feature = r.feature
ORDER BY r.model, r.feature;

-- by project name (the deployed model) and by model id give the same rows
SELECT count(*) AS same_rows
FROM mlpipe_coefficients('diabetes_ridge') a
JOIN mlpipe_coefficients((SELECT model_id FROM trained WHERE algorithm = 'ridge')) b
  USING (feature)
WHERE a.coefficient = b.coefficient AND a.class IS NULL;

-- scoring: a whole row, a jsonb object and a float8[] give one answer, and
-- it is the linear formula
WITH m AS (SELECT model_id FROM trained WHERE algorithm = 'linear_regression'),
c AS (SELECT feature, coefficient FROM m, mlpipe_coefficients(m.model_id)),
d AS (SELECT row_number() OVER () AS i, d.* FROM diabetes d LIMIT 5)
SELECT d.i,
       mlpipe_predict('diabetes_linear_regression', d) = mlpipe_predict((SELECT model_id FROM m), d) AS by_id,
       mlpipe_predict('diabetes_linear_regression', d) = mlpipe_predict('diabetes_linear_regression', to_jsonb(d)) AS jsonb_form,
       mlpipe_predict('diabetes_linear_regression', d) = mlpipe_predict('diabetes_linear_regression',
           ARRAY[d.age, d.sex, d.bmi, d.bp, d.s1, d.s2, d.s3, d.s4, d.s5, d.s6]) AS array_form,
       abs(mlpipe_predict('diabetes_linear_regression', d) -
           ((SELECT coefficient FROM c WHERE feature = 'intercept')
            + (SELECT sum(c.coefficient * (to_jsonb(d) ->> c.feature)::float8)
               FROM c WHERE c.feature <> 'intercept'))) < 1e-9 AS formula
FROM d ORDER BY d.i;

-- integer, numeric and boolean features are read as numbers
CREATE TABLE mixed AS
SELECT i::int AS a, (i % 7)::numeric(6,2) AS b, (i % 3 = 0) AS c,
       (2 * i + 3 * (i % 7) - 5 * (i % 3 = 0)::int + 1)::bigint AS y
FROM generate_series(1, 50) i;
SELECT algorithm, round((metrics -> 'train' ->> 'r2')::numeric, 9) AS train_r2
FROM mlpipe_train('mixed', 'mixed', 'y', test_size => 0);
SELECT feature, round(coefficient::numeric, 6) FROM mlpipe_coefficients('mixed');
SELECT round(mlpipe_predict('mixed', m)::numeric, 9) FROM mixed m WHERE a = 10;
SELECT round(mlpipe_predict('mixed', '{"a": 10, "b": 3, "c": false}'::jsonb)::numeric, 9);

-- a random split: each row is a test row when its seeded hash falls in the
-- lowest quarter of the hash range (about 110 of 442 rows); metrics for both
CREATE TABLE split_run AS
SELECT * FROM mlpipe_train('diabetes_split', 'diabetes', 'target', 'ridge',
                           hyperparams => '{"alpha": 1}', seed => 7);
SELECT m.n_train, m.n_test
FROM mlpipe.models m JOIN split_run s ON s.model_id = m.id;
SELECT split, metric FROM mlpipe.metrics
WHERE model_id = (SELECT model_id FROM split_run) ORDER BY split, metric;

-- the stored train metrics are those of the model over its rows: for a
-- model trained on every row, the metric aggregates must agree
SELECT x.metric,
       abs(x.value - CASE x.metric
           WHEN 'mse' THEN (SELECT mlpipe_mse(target, mlpipe_predict('diabetes_linear_regression', d)) FROM diabetes d)
           WHEN 'rmse' THEN (SELECT mlpipe_rmse(target, mlpipe_predict('diabetes_linear_regression', d)) FROM diabetes d)
           WHEN 'mae' THEN (SELECT mlpipe_mae(target, mlpipe_predict('diabetes_linear_regression', d)) FROM diabetes d)
           WHEN 'r2' THEN (SELECT mlpipe_r2(target, mlpipe_predict('diabetes_linear_regression', d)) FROM diabetes d)
           END) <= 1e-10 * abs(x.value) AS agrees
FROM mlpipe.metrics x
WHERE x.model_id = (SELECT model_id FROM trained WHERE algorithm = 'linear_regression')
ORDER BY x.metric;

-- the split depends on the seed and the data, not on the scan order
WITH a AS (SELECT metrics FROM mlpipe_train('split_a', 'diabetes', 'target', seed => 7)),
     b AS (SELECT metrics FROM mlpipe_train('split_b', 'SELECT * FROM diabetes ORDER BY s5 DESC, bmi', 'target', seed => 7)),
     c AS (SELECT metrics FROM mlpipe_train('split_c', 'diabetes', 'target', seed => 8))
SELECT abs((a.metrics #>> '{test,r2}')::float8 - (b.metrics #>> '{test,r2}')::float8) < 1e-12 AS order_independent,
       (a.metrics #>> '{test,r2}') <> (c.metrics #>> '{test,r2}') AS seed_matters
FROM a, b, c;

-- features and exclude choose the columns; a SELECT query can be the source
SELECT model_id > 0 AS trained FROM mlpipe_train('pick', 'diabetes', 'target',
                                                 features => ARRAY['bmi', 's5', 'bp']);
SELECT model_id > 0 AS trained FROM mlpipe_train('drop', 'diabetes', 'target',
                                                 exclude => ARRAY['age', 'sex']);
SELECT model_id > 0 AS trained FROM mlpipe_train('query_src',
    $$SELECT bmi, s5, target AS progression FROM diabetes WHERE sex = 1$$, 'progression');
SELECT project, features, target, n_train + n_test AS n
FROM mlpipe_models WHERE project IN ('pick', 'drop', 'query_src') ORDER BY project;

-- the stored training spec is enough to retrain
SELECT spec - 'source' AS spec FROM mlpipe.models
WHERE id = (SELECT model_id FROM split_run);

-- the metric aggregates against scikit-learn's mean_squared_error,
-- mean_absolute_error and r2_score (1e-10 relative)
CREATE TABLE pairs (y float8, yhat float8);
\copy pairs FROM 'test/data/metric_pairs.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE ref_metrics (metric text, value float8);
\copy ref_metrics FROM 'test/reference/metrics.csv' WITH (FORMAT csv, HEADER)
SELECT r.metric, abs(v.value - r.value) <= 1e-10 * abs(r.value) AS agrees
FROM ref_metrics r
JOIN (SELECT 'mse' AS metric, mlpipe_mse(y, yhat) AS value FROM pairs
      UNION ALL SELECT 'rmse', mlpipe_rmse(y, yhat) FROM pairs
      UNION ALL SELECT 'mae', mlpipe_mae(y, yhat) FROM pairs
      UNION ALL SELECT 'r2', mlpipe_r2(y, yhat) FROM pairs) v USING (metric)
ORDER BY r.metric;
-- NULL pairs are skipped; no rows gives NULL; a perfect constant is r2 = 1
SELECT mlpipe_mse(y, yhat), mlpipe_r2(y, yhat)
FROM (VALUES (1.0::float8, 1.0::float8), (NULL, 5), (3, 3)) v(y, yhat);
SELECT mlpipe_mse(y, yhat) IS NULL AS empty_is_null FROM pairs WHERE false;
SELECT mlpipe_r2(y, y) FROM (VALUES (2.0::float8), (2.0)) v(y);

-- per segment with GROUP BY
SELECT sex, round(mlpipe_rmse(target, mlpipe_predict('diabetes_linear_regression', d))::numeric, 6) AS rmse
FROM diabetes d GROUP BY sex ORDER BY sex;

-- parallel query: the aggregates split over workers and give the serial
-- answer.  A larger seeded table so that the workers get rows.
CREATE TABLE big AS
SELECT i, x1, x2, x3, 1000 + 2 * x1 - 3 * x2 + 0.5 * x3 + ((i * 7919) % 1000) / 1000.0 AS y
FROM (SELECT i, 1e6 + (i % 1000) AS x1, sin(i) * 100 AS x2, cos(i * 0.37) * 10 AS x3
      FROM generate_series(1, 100000) i) s;
ANALYZE big;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF)
SELECT mlpipe_linear_stats(y, ARRAY[x1, x2, x3]) FROM big;
SELECT mlpipe_linear_solve(mlpipe_linear_stats(y, ARRAY[x1, x2, x3])) AS coef INTO par_coef FROM big;
SELECT model_id > 0 AS trained FROM mlpipe_train('big', 'big', 'y', exclude => ARRAY['i']);
EXPLAIN (COSTS OFF)
SELECT mlpipe_r2(y, mlpipe_predict('big', b)) FROM big b;
SELECT mlpipe_r2(y, mlpipe_predict('big', b)) AS par_r2 INTO par_r2 FROM big b;
SET max_parallel_workers_per_gather = 0;
SELECT mlpipe_linear_solve(mlpipe_linear_stats(y, ARRAY[x1, x2, x3])) AS coef INTO ser_coef FROM big;
SELECT mlpipe_r2(y, mlpipe_predict('big', b)) AS ser_r2 INTO ser_r2 FROM big b;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SELECT bool_and(abs(p - s) <= 1e-9 * abs(s)) AS parallel_equals_serial
FROM par_coef, ser_coef, unnest(par_coef.coef, ser_coef.coef) u(p, s);
SELECT abs(par_r2 - ser_r2) < 1e-12 AS parallel_predict_equals_serial FROM par_r2, ser_r2;
-- and they are the true coefficients of the generating formula (the noise
-- term is a deterministic sawtooth, nearly orthogonal to the features)
SELECT round(c::numeric, 1) FROM ser_coef, unnest(ser_coef.coef) c;

-- the combine function is Chan's merge: two halves make the whole
SELECT bool_and(abs(w - m) <= 1e-9 * greatest(abs(w), 1)) AS halves_make_whole
FROM (SELECT mlpipe_linear_stats(y, ARRAY[x1, x2, x3]) AS s FROM big) whole,
     (SELECT mlpipe_linear_stats_combine(
                 mlpipe_linear_stats(y, ARRAY[x1, x2, x3]) FILTER (WHERE i % 2 = 0),
                 mlpipe_linear_stats(y, ARRAY[x1, x2, x3]) FILTER (WHERE i % 2 = 1)) AS s
      FROM big) merged,
     unnest(whole.s, merged.s) u(w, m);
-- rows with a NULL are skipped, like the regr_* aggregates
SELECT (mlpipe_linear_stats(y, x))[2] AS n
FROM (VALUES (1.0::float8, ARRAY[1.0::float8]), (NULL, ARRAY[2.0]), (3, NULL),
             (4, ARRAY[NULL::float8]), (5, ARRAY[5.0])) v(y, x);
