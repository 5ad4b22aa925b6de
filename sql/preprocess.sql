-- Numeric preprocessing (impute, scale), fitted on the training rows only,
-- stored in the model and applied by every scoring form, against
-- scikit-learn pipelines (test/reference/make_prep_reference.py).
CREATE TABLE dn (age float8, sex float8, bmi float8, bp float8, s1 float8, s2 float8,
                 s3 float8, s4 float8, s5 float8, s6 float8, target float8);
\copy dn FROM 'test/data/diabetes_nulls.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE pref (pipeline text, name text, value float8);
\copy pref FROM 'test/reference/prep_coef.csv' WITH (FORMAT csv, HEADER)
SELECT count(*) FILTER (WHERE bmi IS NULL) AS bmi_nulls, count(*) FILTER (WHERE s5 IS NULL) AS s5_nulls FROM dn;

-- impute "error": NULLs are an error (the default imputes the mean)
SELECT mlpipe_train('p_none', 'dn', 'target', test_size => 0, preprocess => '{"*": {"impute": "error"}}');

CREATE TABLE prep_runs AS
SELECT v.pipeline, t.model_id
FROM (VALUES
  ('mean_standard_ridge', 'ridge', '{"alpha": 10}', '{"*": {"impute": "mean", "scale": "standard"}}'),
  ('median_robust_lasso', 'lasso', '{"alpha": 0.5, "tol": 1e-12, "max_iter": 1000000}',
   '{"*": {"impute": "median", "scale": "robust"}}'),
  ('constant_minmax_enet', 'elastic_net', '{"alpha": 0.01, "l1_ratio": 0.5, "tol": 1e-12, "max_iter": 1000000}',
   '{"*": {"impute": "constant", "fill_value": 0, "scale": "minmax"}}'),
  ('mean_maxabs_ols', 'linear_regression', '{}', '{"*": {"impute": "mean", "scale": "maxabs"}}'),
  ('mostfreq_standard_ridge', 'ridge', '{"alpha": 10}', '{"*": {"impute": "most_frequent", "scale": "standard"}}'),
  ('log1p_clip_mean_standard_ridge', 'ridge', '{"alpha": 10}',
   '{"*": {"impute": "mean", "scale": "standard"}, "bmi": {"transform": "log1p"}, "bp": {"transform": "log1p"},
     "s5": {"transform": "log1p"}, "s1": {"transform": "clip", "clip": [150, 250]}}'))
  AS v(pipeline, alg, hp, prep),
LATERAL mlpipe_train('p_' || v.pipeline, 'dn', 'target', v.alg, hyperparams => v.hp::jsonb,
                     preprocess => v.prep::jsonb, test_size => 0) t;

-- coefficients on the original scale agree with scikit-learn to 1e-9
SELECT r.pipeline, r.name, abs(c.coefficient - r.value) <= 1e-9 * greatest(abs(r.value), 1e-3) AS agrees
FROM pref r JOIN prep_runs u USING (pipeline)
JOIN LATERAL mlpipe_coefficients(u.model_id) c ON c.feature = r.name
ORDER BY 1, 2;

-- without a preprocess argument a linear model imputes the mean and
-- standardises: the same model as the explicit pipeline checked above
CREATE TABLE p_default_run AS
SELECT * FROM mlpipe_train('p_default', 'dn', 'target', 'ridge', hyperparams => '{"alpha": 10}', test_size => 0);
SELECT count(*) AS coefficients,
       bool_and(abs(a.coefficient - b.coefficient) <= 1e-12 * greatest(abs(b.coefficient), 1)) AS default_is_mean_standard
FROM mlpipe_coefficients((SELECT model_id FROM p_default_run)) a
JOIN mlpipe_coefficients((SELECT model_id FROM prep_runs WHERE pipeline = 'mean_standard_ridge')) b USING (feature);

-- predictions of ten rows (nine with NULLs) agree, by row, jsonb and array
CREATE TABLE dn10 AS SELECT row_number() OVER () AS i, * FROM dn;
SELECT u.pipeline,
       bool_and(abs(mlpipe_predict(u.model_id, d) - r.value) <= 1e-9 * abs(r.value)) AS by_row,
       bool_and(abs(mlpipe_predict(u.model_id, to_jsonb(d) - 'i' - 'target') - r.value) <= 1e-9 * abs(r.value)) AS by_jsonb,
       bool_and(abs(mlpipe_predict(u.model_id, ARRAY[d.age, d.sex, d.bmi, d.bp, d.s1, d.s2, d.s3, d.s4, d.s5, d.s6])
                    - r.value) <= 1e-9 * abs(r.value)) AS by_array
FROM prep_runs u JOIN pref r ON r.pipeline = u.pipeline AND r.name LIKE 'predict\_%'
JOIN dn10 d ON d.i = substr(r.name, 9)::int
GROUP BY u.pipeline ORDER BY 1;
SELECT count(*) FILTER (WHERE bmi IS NULL OR bp IS NULL OR s5 IS NULL) AS rows_with_nulls
FROM dn10 d JOIN pref r ON r.pipeline = 'mean_standard_ridge' AND r.name = 'predict_' || d.i;

-- fitted on the training rows only: changing the test rows changes nothing
-- (a hash split keeps every row on its side)
CREATE TABLE dk AS SELECT row_number() OVER () AS id, * FROM dn;
SELECT deployed FROM mlpipe_train('p_leak_a', 'dk', 'target', 'ridge', split => 'hash:id',
    preprocess => '{"*": {"impute": "mean", "scale": "standard"}}');
UPDATE dk SET bmi = coalesce(bmi, 0) * 10 + 100, s5 = NULL
WHERE mlpipe_split_test(dk, 0.25, 'hash:id', 42);
SELECT deployed FROM mlpipe_train('p_leak_b', 'dk', 'target', 'ridge', split => 'hash:id',
    preprocess => '{"*": {"impute": "mean", "scale": "standard"}}');
SELECT bool_and(a.coefficient = b.coefficient) AS same_model
FROM mlpipe_coefficients('p_leak_a') a JOIN mlpipe_coefficients('p_leak_b') b USING (feature);

-- per-column settings override "*"; drop leaves rows out; the spec keeps them
SELECT deployed FROM mlpipe_train('p_cols', 'dn', 'target', test_size => 0,
    preprocess => '{"*": {"impute": "mean"}, "bmi": {"impute": "drop", "scale": "standard"}}');
SELECT n_train, spec -> 'preprocess' AS preprocess FROM mlpipe.models
WHERE id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'p_cols');
-- a NULL where the model dropped rows is an error at scoring
SELECT mlpipe_predict('p_cols', '{"age": 50, "sex": 1, "bmi": null, "bp": 90, "s1": 180, "s2": 100, "s3": 50, "s4": 4, "s5": 4.5, "s6": 90}'::jsonb);
SELECT round(mlpipe_predict('p_cols', '{"age": 50, "sex": 1, "bmi": 30, "bp": null, "s1": 180, "s2": 100, "s3": 50, "s4": 4, "s5": null, "s6": 90}'::jsonb)::numeric, 6) =
       round(mlpipe_predict('p_cols', ('{"age": 50, "sex": 1, "bmi": 30, "bp": ' ||
             (SELECT avg(bp) FROM dn WHERE bmi IS NOT NULL) || ', "s1": 180, "s2": 100, "s3": 50, "s4": 4, "s5": ' ||
             (SELECT avg(s5) FROM dn WHERE bmi IS NOT NULL) || ', "s6": 90}')::jsonb)::numeric, 6) AS null_is_the_train_mean;

-- the evaluation of a stored model applies its preprocessing
SELECT e.metric, abs(e.value - t.value) <= 1e-10 * abs(t.value) AS same_as_train
FROM mlpipe_evaluate((SELECT model_id FROM prep_runs WHERE pipeline = 'mean_standard_ridge'), 'dn') e
JOIN mlpipe.metrics t ON t.model_id = (SELECT model_id FROM prep_runs WHERE pipeline = 'mean_standard_ridge')
 AND t.split = 'train' AND t.metric = e.metric ORDER BY 1;

-- a feature may be called "intercept"; coefficients stay right with scaling
CREATE TABLE icpt AS SELECT i::float8 AS a, (i % 7)::float8 AS intercept,
       3 + 2 * i + 5 * (i % 7) + ((i * 13) % 5) * 0.01 AS y FROM generate_series(1, 200) i;
SELECT deployed FROM mlpipe_train('p_icpt', 'icpt', 'y', test_size => 0,
    preprocess => '{"*": {"scale": "standard"}}');
SELECT feature, round(coefficient::numeric, 3) FROM mlpipe_coefficients('p_icpt') ORDER BY 1, 2;
-- a column that varies only through its NULLs is not constant (missing indicator)
SELECT deployed FROM mlpipe_train('p_ind', $$SELECT i::float8 AS a, CASE WHEN i % 3 = 0 THEN NULL ELSE 5.0 END AS b,
    2 * i + CASE WHEN i % 3 = 0 THEN 7 ELSE 0 END AS y FROM generate_series(1, 60) i$$, 'y', test_size => 0,
    preprocess => '{"b": {"impute": "constant", "fill_value": 0}}');
SELECT feature, round(coefficient::numeric, 6) FROM mlpipe_coefficients('p_ind') ORDER BY 1;
-- ... but one that is constant after imputation is refused
SELECT mlpipe_train('p_const', $$SELECT i::float8 AS a, CASE WHEN i % 3 = 0 THEN NULL ELSE 5.0 END AS b,
    2 * i AS y FROM generate_series(1, 60) i$$, 'y', test_size => 0,
    preprocess => '{"b": {"impute": "mean"}}');
-- a model trained with "drop" evaluates on its own data (the rows are left out again)
SELECT e.metric, abs(e.value - t.value) <= 1e-10 * abs(t.value) AS same_as_train
FROM mlpipe_evaluate('p_cols', 'dn') e
JOIN mlpipe.metrics t ON t.model_id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'p_cols')
 AND t.split = 'train' AND t.metric = e.metric ORDER BY 1;

-- bad settings
SELECT mlpipe_train('p_bad', 'dn', 'target', preprocess => '{"*": {"impute": "mode"}}');
SELECT mlpipe_train('p_bad', 'dn', 'target', preprocess => '{"*": {"scale": "log"}}');
SELECT mlpipe_train('p_bad', 'dn', 'target', preprocess => '{"*": {"center": true}}');
SELECT mlpipe_train('p_bad', 'dn', 'target', preprocess => '{"*": {"impute": "constant"}}');
SELECT mlpipe_train('p_bad', 'dn', 'target', preprocess => '{"*": {"impute": "mean", "fill_value": 1}}');
SELECT mlpipe_train('p_bad', 'dn', 'target', preprocess => '{"nope": {"impute": "mean"}}');
SELECT mlpipe_train('p_bad', 'dn', 'target', preprocess => '{"bmi": "mean"}');
SELECT mlpipe_train('p_bad', 'dn', 'target', preprocess => '[1]');
SELECT mlpipe_train('p_bad', 'SELECT bmi, NULL::float8 AS empty, target FROM dn', 'target',
                    preprocess => '{"*": {"impute": "mean"}}');
SELECT count(*) AS none_stored FROM mlpipe.projects WHERE name = 'p_bad';

-- the parallel path fits and applies the same steps
CREATE TABLE dbig AS SELECT d.* FROM dn d, generate_series(1, 40) g;
ANALYZE dbig;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET client_min_messages = debug1;
SELECT deployed FROM mlpipe_train('p_par', 'dbig', 'target', 'ridge', hyperparams => '{"alpha": 10}',
    preprocess => '{"*": {"impute": "mean", "scale": "standard"}, "s5": {"scale": "minmax"}}');
RESET client_min_messages;
SET max_parallel_workers_per_gather = 0;
SELECT deployed FROM mlpipe_train('p_ser', 'dbig', 'target', 'ridge', hyperparams => '{"alpha": 10}',
    preprocess => '{"*": {"impute": "mean", "scale": "standard"}, "s5": {"scale": "minmax"}}');
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
SELECT bool_and(abs(a.coefficient - b.coefficient) <= 1e-9 * abs(b.coefficient)) AS same_coefficients
FROM mlpipe_coefficients('p_par') a JOIN mlpipe_coefficients('p_ser') b USING (feature);
SELECT bool_and(abs(a.value - b.value) <= 1e-9 * abs(b.value)) AS same_metrics
FROM mlpipe.metrics a JOIN mlpipe.metrics b USING (split, metric)
WHERE a.model_id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'p_par')
  AND b.model_id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'p_ser');

-- transforms: applied first, to non-NULL values, at training and at scoring
SELECT m.spec -> 'preprocess' -> 's1' AS stored_clip
FROM mlpipe.models m JOIN mlpipe.projects p ON p.id = m.project_id
WHERE p.name = 'p_log1p_clip_mean_standard_ridge';
SELECT mlpipe_predict('p_log1p_clip_mean_standard_ridge', '{"age": 50, "sex": 1, "bmi": 30, "bp": 90, "s1": 400, "s2": 100, "s3": 50, "s4": 4, "s5": 4.5, "s6": 90}'::jsonb)
     = mlpipe_predict('p_log1p_clip_mean_standard_ridge', '{"age": 50, "sex": 1, "bmi": 30, "bp": 90, "s1": 250, "s2": 100, "s3": 50, "s4": 4, "s5": 4.5, "s6": 90}'::jsonb) AS clipped_at_scoring;
SELECT mlpipe_predict('p_log1p_clip_mean_standard_ridge', '{"age": 50, "sex": 1, "bmi": -1, "bp": 90, "s1": 200, "s2": 100, "s3": 50, "s4": 4, "s5": 4.5, "s6": 90}'::jsonb);
SELECT mlpipe_train('p_bad', 'SELECT age - 60 AS age, bmi, target FROM dn', 'target', test_size => 0,
    preprocess => '{"*": {"impute": "mean"}, "age": {"transform": "log1p"}}');
SELECT mlpipe_train('p_bad', 'dn', 'target', preprocess => '{"bmi": {"transform": "sqrt"}}');
SELECT mlpipe_train('p_bad', 'dn', 'target', preprocess => '{"bmi": {"transform": "clip"}}');
SELECT mlpipe_train('p_bad', 'dn', 'target', preprocess => '{"bmi": {"clip": [1, 2]}}');
SELECT mlpipe_train('p_bad', 'dn', 'target', preprocess => '{"bmi": {"transform": "clip", "clip": [2, 1]}}');
SELECT mlpipe_train('p_bad', 'dn', 'target', preprocess => '{"bmi": {"transform": "clip", "clip": [1, "x"]}}');
SELECT mlpipe_train('p_bad', 'SELECT bmi, bmi::text AS t, target FROM dn', 'target',
    preprocess => '{"*": {"impute": "mean"}, "t": {"transform": "log1p"}}');
-- evaluate applies the transforms too
SELECT e.metric, abs(e.value - t.value) <= 1e-10 * abs(t.value) AS same_as_train
FROM mlpipe_evaluate((SELECT model_id FROM prep_runs WHERE pipeline = 'log1p_clip_mean_standard_ridge'), 'dn') e
JOIN mlpipe.metrics t ON t.model_id = (SELECT model_id FROM prep_runs WHERE pipeline = 'log1p_clip_mean_standard_ridge')
 AND t.split = 'train' AND t.metric = e.metric ORDER BY 1;

-- a column far from zero (1e15 plus 0 or 1) varies, so it is kept and fits
-- as well as the same column shifted to zero; scoring and evaluate agree
CREATE TABLE pfar AS SELECT i, 1e15::float8 + (i % 2) AS big, ((i % 2) * 3 + (i % 7) * 0.1)::float8 AS y
FROM generate_series(1, 1000) i;
SELECT deployed FROM mlpipe_train('p_far', 'pfar', 'y', test_size => 0, exclude => ARRAY['i']);
SELECT deployed FROM mlpipe_train('p_far0', 'SELECT big - 1e15 AS big, y FROM pfar', 'y', test_size => 0);
SELECT abs(a.coefficient - b.coefficient) <= 1e-9 * abs(b.coefficient) AS same_slope
FROM mlpipe_coefficients('p_far') a JOIN mlpipe_coefficients('p_far0') b USING (feature) WHERE feature = 'big';
SELECT abs(avg((y - mlpipe_predict('p_far', f))^2) - (SELECT value FROM mlpipe_evaluate('p_far', 'pfar') WHERE metric = 'mse'))
       <= 1e-9 AS predict_matches_evaluate,
       abs((SELECT value FROM mlpipe_evaluate('p_far', 'pfar') WHERE metric = 'mse') -
           (SELECT value FROM mlpipe_evaluate('p_far0', 'SELECT big - 1e15 AS big, y FROM pfar') WHERE metric = 'mse')) <= 1e-9 AS same_fit
FROM pfar f;
-- every scaler fits it alike (none and maxabs centre it internally too)
SELECT v.sc, abs((t.metrics -> 'train' ->> 'mse')::float8 - 0.03994982) <= 1e-7 AS same_fit
FROM (VALUES ('none'), ('maxabs'), ('minmax'), ('robust'), ('standard')) v(sc),
LATERAL mlpipe_train('p_far_' || v.sc, 'pfar', 'y', test_size => 0, exclude => ARRAY['i'],
                     preprocess => jsonb_build_object('*', jsonb_build_object('scale', v.sc))) t
ORDER BY 1;
