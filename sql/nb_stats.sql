-- naive Bayes's sufficient statistics as an aggregate: mlpipe_nb_stats
-- (class-conditional counts, means and squared deviations; float8[] state,
-- a combine function, parallel safe) and mlpipe_nb_solve (GaussianNB's
-- class_prior_, theta_ and var_), against scikit-learn
-- (test/reference/make_nb_stats_reference.py); training uses the same code.
SELECT mlpipe_load_dataset('iris', 'nbs_iris');
CREATE TABLE nbsref (class int, feature int, prior float8, mean float8, var float8);
\copy nbsref FROM 'test/reference/nb_stats.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE nbs AS
SELECT ARRAY[sepal_length, sepal_width, petal_length, petal_width] AS x,
       (array_position(ARRAY['setosa', 'versicolor', 'virginica'], species) - 1)::float8 AS code, species
FROM nbs_iris;

-- the solved statistics agree with GaussianNB to 1e-12
SELECT count(*) AS values,
       max(greatest(abs(s.prior - r.prior), abs(s.mean - r.mean), abs(s.var - r.var) / r.var)) < 1e-12 AS agree
FROM mlpipe_nb_solve((SELECT mlpipe_nb_stats(code, x) FROM nbs)) s
JOIN nbsref r ON r.class = s.class AND r.feature = s.feature;
-- classes come out sorted by label whatever order the rows came in
SELECT DISTINCT class, prior FROM mlpipe_nb_solve((SELECT mlpipe_nb_stats(code, x ORDER BY code DESC) FROM nbs))
ORDER BY 1;
-- per segment with GROUP BY: each segment's own classes (p, then k)
SELECT x[1] > 5.8 AS long_sepal, (mlpipe_nb_stats(code, x))[1:2] AS p_and_k, count(*)
FROM nbs GROUP BY 1 ORDER BY 1;
-- the combine function merges two halves into the whole
SELECT max(abs(a - b)) < 1e-12 AS combined_equals_whole
FROM unnest((SELECT mlpipe_nb_stats_combine((SELECT mlpipe_nb_stats(code, x) FROM nbs WHERE x[2] < 3.0),
                                            (SELECT mlpipe_nb_stats(code, x) FROM nbs WHERE x[2] >= 3.0))),
            (SELECT mlpipe_nb_stats(code, x) FROM nbs)) u(a, b);

-- parallel query: the workers' states combine to the serial answer
CREATE TABLE nbs_big AS
SELECT (i % 3)::float8 AS code, ARRAY[sin(i) + (i % 3), cos(i * 0.37) * 10 - (i % 3)] AS x
FROM generate_series(1, 100000) i;
ANALYZE nbs_big;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF) SELECT mlpipe_nb_stats(code, x) FROM nbs_big;
SELECT mlpipe_nb_stats(code, x) AS st INTO nbs_par FROM nbs_big;
SET max_parallel_workers_per_gather = 0;
SELECT mlpipe_nb_stats(code, x) AS st INTO nbs_ser FROM nbs_big;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SELECT bool_and(abs(p.mean - s.mean) <= 1e-12 * greatest(abs(s.mean), 1) AND abs(p.var - s.var) <= 1e-12 * s.var
                AND p.prior = s.prior) AS parallel_equals_serial
FROM nbs_par, nbs_ser, mlpipe_nb_solve(nbs_par.st) p JOIN mlpipe_nb_solve(nbs_ser.st) s USING (class, feature);

-- a trained naive_bayes on raw features holds the same statistics: its
-- probabilities follow from mlpipe_nb_solve's
CREATE TABLE nbs_model AS
SELECT model_id FROM mlpipe_train('nbs_iris', 'nbs_iris', 'species', algorithm => 'naive_bayes', test_size => 0,
                                  preprocess => '{"*": {"scale": "none"}}');
WITH s AS (SELECT * FROM mlpipe_nb_solve((SELECT mlpipe_nb_stats(code, x) FROM nbs))),
jll AS (SELECT n.x, s.class,
               ln(min(s.prior)) - 0.5 * sum(ln(2 * pi() * s.var) + (n.x[s.feature] - s.mean) ^ 2 / s.var) AS l
        FROM (SELECT DISTINCT x FROM nbs) n, s GROUP BY n.x, s.class),
e AS (SELECT x, class, exp(l - max(l) OVER (PARTITION BY x)) AS e FROM jll),
p AS (SELECT x, class, e / sum(e) OVER (PARTITION BY x) AS proba FROM e)
SELECT count(*) AS probabilities, max(abs(m.proba - p.proba)) < 1e-9 AS same_probabilities
FROM (SELECT n.x, u.class, u.proba
      FROM (SELECT DISTINCT x FROM nbs) n, nbs_model t,
           unnest(ARRAY[0, 1, 2]::float8[], mlpipe_predict_proba(t.model_id, n.x)) u(class, proba)) m
JOIN p ON p.x = m.x AND p.class = m.class;

-- errors
SELECT mlpipe_nb_solve(ARRAY[1.0, 2.0]::float8[]);
SELECT mlpipe_nb_stats(code, x) FROM (VALUES (0.0::float8, ARRAY[1.0::float8]), (1.0, ARRAY[1.0, 2.0])) v(code, x);
SELECT mlpipe_nb_stats(code, x) FROM (VALUES ('NaN'::float8, ARRAY[1.0::float8])) v(code, x);
SELECT mlpipe_nb_stats(code, x) FROM (VALUES (0.0::float8, ARRAY['Infinity'::float8])) v(code, x);
SELECT mlpipe_nb_solve((SELECT mlpipe_nb_stats(code, x) FROM nbs), 2);
-- NULL rows are skipped; no rows give NULL
SELECT mlpipe_nb_stats(code, x) IS NULL AS no_rows FROM nbs WHERE false;
SELECT (mlpipe_nb_stats(code, x))[1:2] AS p_and_k FROM (VALUES (0.0::float8, ARRAY[1.0::float8]), (NULL, ARRAY[2.0]),
                                                          (1.0, NULL), (1.0, ARRAY[3.0])) v(code, x);
