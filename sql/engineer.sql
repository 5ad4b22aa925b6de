-- Feature engineering (polynomial and interaction products) and feature
-- selection, fitted on the training rows, stored in the model and applied by
-- every scoring form, against scikit-learn
-- (test/reference/make_engineer_reference.py).
CREATE TABLE en (age float8, sex float8, bmi float8, bp float8, s1 float8, s2 float8,
                 s3 float8, s4 float8, s5 float8, s6 float8, target float8);
\copy en FROM 'test/data/diabetes_nulls.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE eref (name_case text, name text, value float8);
\copy eref FROM 'test/reference/engineer_coef.csv' WITH (FORMAT csv, HEADER)

-- products of the imputed values, then standard scaling and ridge; a term
-- asked for twice (bmi*bp) comes once
CREATE TABLE en_runs AS
SELECT v.name_case, t.model_id
FROM (VALUES
  ('poly2_ridge', '{"polynomial": {"columns": ["bmi", "bp", "s5"]}, "interactions": {"columns": ["age", "bmi", "bp"]}}'),
  ('poly3_ridge', '{"polynomial": {"columns": ["s5", "bmi"], "degree": 3}}'))
  AS v(name_case, prep),
LATERAL mlpipe_train('en_' || v.name_case, 'en', 'target', 'ridge', hyperparams => '{"alpha": 1}',
                     preprocess => v.prep::jsonb, test_size => 0) t;

-- every coefficient, products included and named as sklearn's terms, to 1e-9
SELECT r.name_case, count(*) AS coefficients,
       bool_and(abs(c.coefficient - r.value) <= 1e-9 * greatest(abs(r.value), 1e-3)) AS all_agree,
       string_agg(c.feature, ', ' ORDER BY c.feature) FILTER (WHERE c.feature LIKE '%^%' OR c.feature LIKE '%*%') AS products
FROM eref r JOIN en_runs u USING (name_case)
JOIN LATERAL mlpipe_coefficients(u.model_id) c ON c.feature = r.name
GROUP BY 1 ORDER BY 1;
SELECT u.name_case, count(*) AS coefficients FROM en_runs u, LATERAL mlpipe_coefficients(u.model_id) GROUP BY 1 ORDER BY 1;

-- a row with a NULL bmi: the product takes the imputed bmi, by row, jsonb and view
CREATE VIEW en_view AS SELECT row_number() OVER () AS i, * FROM en;
SELECT u.name_case,
       abs(mlpipe_predict(u.model_id, v) - r.value) <= 1e-9 * abs(r.value) AS by_row,
       abs(mlpipe_predict(u.model_id, to_jsonb(v) - 'target') - r.value) <= 1e-9 * abs(r.value) AS by_jsonb,
       v.bmi IS NULL AS bmi_null
FROM en_runs u JOIN eref r ON r.name_case = u.name_case AND r.name LIKE 'predict_row%'
JOIN en_view v ON r.name = 'predict_row' || (v.i - 1)
ORDER BY 1;
-- the float8[] form takes the input columns, the products are computed
SELECT mlpipe_predict((SELECT model_id FROM en_runs WHERE name_case = 'poly3_ridge'),
                      ARRAY[age, sex, bmi, bp, s1, s2, s3, s4, s5, s6]) =
       mlpipe_predict((SELECT model_id FROM en_runs WHERE name_case = 'poly3_ridge'), e) AS array_form
FROM en e LIMIT 1;
-- evaluate builds the products too
SELECT e.metric, abs(e.value - m.value) <= 1e-10 * abs(m.value) AS same_as_train
FROM mlpipe_evaluate((SELECT model_id FROM en_runs WHERE name_case = 'poly2_ridge'), 'en') e
JOIN mlpipe.metrics m ON m.model_id = (SELECT model_id FROM en_runs WHERE name_case = 'poly2_ridge')
 AND m.split = 'train' AND m.metric = e.metric
ORDER BY 1;

-- bucketize: the index of the quantile bin (KBinsDiscretizer), fitted on the
-- training values; a NULL takes the mean bin index
SELECT deployed FROM mlpipe_train('en_bucketize', 'en', 'target', 'ridge', hyperparams => '{"alpha": 1}', test_size => 0,
    preprocess => '{"s1": {"transform": "bucketize"}, "bmi": {"transform": "bucketize", "bins": 4}}');
SELECT count(*) AS coefficients, bool_and(abs(c.coefficient - r.value) <= 1e-9 * greatest(abs(r.value), 1e-3)) AS all_agree
FROM mlpipe_coefficients('en_bucketize') c JOIN eref r ON r.name_case = 'bucketize_ridge' AND r.name = c.feature;
SELECT abs(mlpipe_predict('en_bucketize', to_jsonb(v) - 'target') - r.value) <= 1e-9 * abs(r.value) AS null_bmi_row,
       abs(mlpipe_predict('en_bucketize', v) - r.value) <= 1e-9 * abs(r.value) AS by_row
FROM eref r JOIN en_view v ON r.name = 'predict_row' || (v.i - 1) WHERE r.name_case = 'bucketize_ridge';
-- values past the outer edges go to the first and last bins
SELECT mlpipe_predict('en_bucketize', '{"age": 0, "sex": 1, "bmi": -1000, "bp": 90, "s1": 180, "s2": 100, "s3": 50, "s4": 4, "s5": 4.5, "s6": 90}'::jsonb) =
       mlpipe_predict('en_bucketize', '{"age": 0, "sex": 1, "bmi": 0, "bp": 90, "s1": 180, "s2": 100, "s3": 50, "s4": 4, "s5": 4.5, "s6": 90}'::jsonb) AS low_is_first_bin;
SELECT spec -> 'preprocess' -> 'bmi' AS stored FROM mlpipe.models
WHERE id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'en_bucketize');
SELECT mlpipe_train('en_bad', 'en', 'target', preprocess => '{"bmi": {"bins": 4}}');
SELECT mlpipe_train('en_bad', 'en', 'target', preprocess => '{"bmi": {"transform": "bucketize", "bins": 1}}');
SELECT mlpipe_train('en_bad', 'SELECT bmi, 1.0::float8 * (bmi > 0)::int AS k, target FROM en', 'target',
                    preprocess => '{"k": {"transform": "bucketize"}}');

-- selection: k = 4 of the ten imputed, standardised features
CREATE TABLE sel_runs AS
SELECT m AS method, t.model_id
FROM unnest(ARRAY['variance', 'f_test', 'mutual_info', 'l1']) m,
LATERAL mlpipe_train('en_sel_' || m, 'en', 'target', 'ridge', hyperparams => '{"alpha": 1}', test_size => 0,
                     preprocess => jsonb_build_object('select', jsonb_build_object('method', m, 'k', 4))) t;
-- the same features as scikit-learn (SelectKBest(f_regression), the four
-- largest variances, mutual_info_regression's top four, the lasso path)
SELECT s.method,
       (SELECT string_agg(feature, ', ' ORDER BY feature) FROM mlpipe_coefficients(s.model_id) WHERE feature <> 'intercept') AS chosen,
       (SELECT string_agg(substr(name, 8), ', ' ORDER BY substr(name, 8)) FROM eref
        WHERE name_case = 'select_' || s.method AND name LIKE 'chosen:%') AS sklearn
FROM sel_runs s ORDER BY 1;
-- and the ridge fitted on them agrees to 1e-9
SELECT s.method, bool_and(abs(c.coefficient - r.value) <= 1e-9 * greatest(abs(r.value), 1e-3)) AS all_agree, count(*)
FROM sel_runs s JOIN LATERAL mlpipe_coefficients(s.model_id) c ON true
JOIN eref r ON r.name_case = 'select_' || s.method AND r.name = c.feature
GROUP BY 1 ORDER BY 1;
-- mutual information ranks like scikit-learn's: k = 1, 2 keep bmi, then s5
-- (s4 and s6, third and fourth, swap places between scikit-learn's seeds)
CREATE TABLE mi_runs AS
SELECT k, t.model_id
FROM generate_series(1, 2) k,
LATERAL mlpipe_train('en_mi_' || k, 'en', 'target', 'ridge', test_size => 0,
                     preprocess => jsonb_build_object('select', jsonb_build_object('method', 'mutual_info', 'k', k))) t;
SELECT k, (SELECT string_agg(feature, ', ' ORDER BY feature) FROM mlpipe_coefficients(t.model_id) WHERE feature <> 'intercept') AS chosen
FROM mi_runs t ORDER BY k;
SELECT name, rank() OVER (ORDER BY value DESC) FROM eref WHERE name_case = 'mutual_info' ORDER BY value DESC LIMIT 4;
-- every scoring form and evaluate see the selected features only
SELECT abs(mlpipe_predict(s.model_id, e) - mlpipe_predict(s.model_id, to_jsonb(e))) < 1e-12 AS row_equals_jsonb
FROM sel_runs s, en e WHERE s.method = 'f_test' LIMIT 1;
SELECT e.metric, abs(e.value - m.value) <= 1e-10 * abs(m.value) AS same_as_train
FROM mlpipe_evaluate((SELECT model_id FROM sel_runs WHERE method = 'l1'), 'en') e
JOIN mlpipe.metrics m ON m.model_id = (SELECT model_id FROM sel_runs WHERE method = 'l1')
 AND m.split = 'train' AND m.metric = e.metric
ORDER BY 1;
-- products and selection together: selection sees the products
SELECT deployed FROM mlpipe_train('en_both', 'en', 'target', 'ridge', test_size => 0,
    preprocess => '{"polynomial": {"columns": ["bmi", "s5"]}, "select": {"method": "f_test", "k": 5}}');
SELECT feature FROM mlpipe_coefficients('en_both') ORDER BY 1;
SELECT spec -> 'preprocess' AS stored FROM mlpipe.models
WHERE id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'en_both');

-- the leakage test: changing every test row (target included) changes no
-- fitted step: the same products, the same selection, the same model
CREATE TABLE en_leak AS SELECT row_number() OVER () AS id, * FROM en;
SELECT deployed FROM mlpipe_train('en_leak_a', 'en_leak', 'target', 'ridge', split => 'hash:id', exclude => ARRAY['id'],
    preprocess => '{"interactions": {"columns": ["bmi", "bp", "s5"]}, "select": {"method": "f_test", "k": 6}}');
UPDATE en_leak SET bmi = coalesce(bmi, 0) * 10 + 100, s5 = NULL, target = -target
WHERE mlpipe_split_test(en_leak, 0.25, 'hash:id', 42);
SELECT deployed FROM mlpipe_train('en_leak_b', 'en_leak', 'target', 'ridge', split => 'hash:id', exclude => ARRAY['id'],
    preprocess => '{"interactions": {"columns": ["bmi", "bp", "s5"]}, "select": {"method": "f_test", "k": 6}}');
SELECT count(*) AS coefficients, bool_and(a.coefficient = b.coefficient) AS same_model
FROM mlpipe_coefficients('en_leak_a') a JOIN mlpipe_coefficients('en_leak_b') b USING (feature);

-- bad settings: each a clear error, nothing stored
SELECT mlpipe_train('en_bad', 'en', 'target', preprocess => '{"polynomial": {"columns": ["bmi"], "degree": 4}}');
SELECT mlpipe_train('en_bad', 'en', 'target', preprocess => '{"polynomial": {"degree": 2}}');
SELECT mlpipe_train('en_bad', 'en', 'target', preprocess => '{"polynomial": {"columns": ["bmi", "bmi"]}}');
SELECT mlpipe_train('en_bad', 'en', 'target', preprocess => '{"polynomial": {"columns": ["nope"]}}');
SELECT mlpipe_train('en_bad', 'en', 'target', preprocess => '{"polynomial": ["bmi"]}');
SELECT mlpipe_train('en_bad', 'en', 'target', preprocess => '{"polynomial": {"columns": ["bmi"], "order": 2}}');
SELECT mlpipe_train('en_bad', 'en', 'target', preprocess => '{"interactions": {"columns": ["bmi"]}}');
SELECT mlpipe_train('en_bad', 'SELECT bmi, sex::text AS sex, target FROM en', 'target',
                    preprocess => '{"interactions": {"columns": ["bmi", "sex"]}}');
SELECT mlpipe_train('en_bad', $$SELECT bmi, date '2020-01-01' + (row_number() OVER ())::int AS d, target FROM en$$, 'target',
                    preprocess => '{"polynomial": {"columns": ["d"]}}');
SELECT mlpipe_train('en_bad', 'en', 'target', preprocess => '{"select": {"method": "chi2", "k": 3}}');
SELECT mlpipe_train('en_bad', 'en', 'target', preprocess => '{"select": {"method": "f_test"}}');
SELECT mlpipe_train('en_bad', 'en', 'target', preprocess => '{"select": {"method": "f_test", "k": 0}}');
SELECT mlpipe_train('en_bad', 'en', 'target', preprocess => '{"select": {"method": "f_test", "k": 10}}');
SELECT count(*) AS nothing_stored FROM mlpipe.projects WHERE name = 'en_bad';
-- too many products is refused before any is built
SET statement_timeout = '20s';
SELECT mlpipe_train('en_bad', q, 'target', preprocess => p)
FROM (SELECT 'SELECT ' || string_agg(format('g * %s + %s AS c%s', i, i * i, i), ', ') ||
             ', g::float8 AS target FROM generate_series(1, 200) g' AS q,
             jsonb_build_object('polynomial', jsonb_build_object('degree', 3,
                                'columns', jsonb_agg('c' || i))) AS p
      FROM generate_series(1, 100) i) s;
RESET statement_timeout;
