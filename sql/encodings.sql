-- Ordinal, target and hash encodings of categorical features, against
-- scikit-learn (test/reference/make_encoding_reference.py) and against the
-- one-hot encoding they stand in for.
CREATE TABLE eshops (x float8, city text, color text, y float8);
\copy eshops FROM 'test/data/shops.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE encref (name_case text, name text, value float8, probe jsonb);
\copy encref FROM 'test/reference/encoding_coef.csv' WITH (FORMAT csv, HEADER)

CREATE TABLE enc_runs AS
SELECT v.name_case, t.model_id
FROM (VALUES ('ordinal', '{"*": {"encode": "ordinal"}}'),
             ('target', '{"city": {"encode": "target"}, "color": {"encode": "target", "smoothing": 10}}'))
  AS v(name_case, prep),
LATERAL mlpipe_train('enc_' || v.name_case, 'eshops', 'y', 'ridge', hyperparams => '{"alpha": 1}',
                     preprocess => v.prep::jsonb, test_size => 0) t;
-- one feature per column, named after it; coefficients to 1e-9
SELECT u.name_case, c.feature, abs(c.coefficient - r.value) <= 1e-9 * greatest(abs(r.value), 1) AS agrees
FROM enc_runs u JOIN LATERAL mlpipe_coefficients(u.model_id) c ON true
JOIN encref r ON r.name_case = u.name_case AND r.name = c.feature
ORDER BY 1, 2;
-- jsonb rows: a kept value, a NULL color (ordinal: imputed; target: its own
-- category), values never seen (ordinal: -1; target: the training mean)
SELECT u.name_case, r.name, abs(mlpipe_predict(u.model_id, r.probe) - r.value) <= 1e-9 * abs(r.value) AS agrees
FROM enc_runs u JOIN encref r ON r.name_case = u.name_case AND r.probe IS NOT NULL
ORDER BY 1, 2;
-- a table row, a view row and jsonb agree; evaluate equals training
CREATE VIEW eshops_v AS SELECT x, city, color, y FROM eshops;
SELECT u.name_case,
       bool_and(abs(mlpipe_predict(u.model_id, s) - mlpipe_predict(u.model_id, to_jsonb(s))) < 1e-12) AS row_is_jsonb,
       bool_and(abs(mlpipe_predict(u.model_id, s) - mlpipe_predict(u.model_id, v)) < 1e-12) AS row_is_view
FROM enc_runs u, eshops s JOIN eshops_v v USING (x, y)
GROUP BY 1 ORDER BY 1;
SELECT u.name_case, e.metric, abs(e.value - m.value) <= 1e-10 * abs(m.value) AS same_as_train
FROM enc_runs u CROSS JOIN LATERAL mlpipe_evaluate(u.model_id, 'eshops') e
JOIN mlpipe.metrics m ON m.split = 'train' AND m.metric = e.metric
WHERE m.model_id = u.model_id
ORDER BY 1, 2;
SELECT p.name, m.spec -> 'preprocess' AS stored
FROM mlpipe.models m JOIN mlpipe.projects p ON p.id = m.project_id
WHERE p.name IN ('enc_ordinal', 'enc_target') ORDER BY 1;

-- target encoding is fitted on the training split only: changing every
-- test row's target (and city) changes nothing
CREATE TABLE eleak AS SELECT row_number() OVER () AS id, * FROM eshops;
SELECT deployed FROM mlpipe_train('enc_leak_a', 'eleak', 'y', 'ridge', split => 'hash:id', exclude => ARRAY['id'],
    preprocess => '{"city": {"encode": "target"}, "color": {"encode": "ordinal"}}');
UPDATE eleak SET y = y * 100, city = 'c00' WHERE mlpipe_split_test(eleak, 0.25, 'hash:id', 42);
SELECT deployed FROM mlpipe_train('enc_leak_b', 'eleak', 'y', 'ridge', split => 'hash:id', exclude => ARRAY['id'],
    preprocess => '{"city": {"encode": "target"}, "color": {"encode": "ordinal"}}');
SELECT count(*) AS coefficients, bool_and(a.coefficient = b.coefficient) AS same_model
FROM mlpipe_coefficients('enc_leak_a') a JOIN mlpipe_coefficients('enc_leak_b') b USING (feature);

-- hash: with buckets enough for no collision, the same model as one-hot
-- (the same columns under other names, in another order)
SELECT deployed FROM mlpipe_train('enc_hash', 'eshops', 'y', 'ridge', test_size => 0,
    preprocess => '{"city": {"encode": "hash", "buckets": 1000}, "color": {"encode": "hash", "buckets": 1000}}');
SELECT deployed FROM mlpipe_train('enc_onehot', 'eshops', 'y', 'ridge', test_size => 0,
    preprocess => '{"city": {"max_categories": 1000}}');
SELECT count(*) FILTER (WHERE feature LIKE 'city#%') AS city_buckets,
       count(*) FILTER (WHERE feature LIKE 'color#%') AS color_buckets,
       count(*) FILTER (WHERE feature = 'color IS NULL') AS color_null
FROM mlpipe_coefficients('enc_hash');
SELECT bool_and(abs(mlpipe_predict('enc_hash', s) - mlpipe_predict('enc_onehot', s)) < 1e-9) AS same_predictions,
       abs(mlpipe_predict('enc_hash', '{"x": 3, "city": "nowhere", "color": null}'::jsonb) -
           mlpipe_predict('enc_onehot', '{"x": 3, "city": "nowhere", "color": null}'::jsonb)) < 1e-9 AS unseen_is_zeros
FROM eshops s;
-- few buckets: values share them
SELECT deployed FROM mlpipe_train('enc_hash4', 'eshops', 'y', 'ridge', test_size => 0,
    preprocess => '{"city": {"encode": "hash", "buckets": 4}}');
SELECT string_agg(feature, ', ' ORDER BY feature) AS features FROM mlpipe_coefficients('enc_hash4') WHERE feature LIKE 'city%';

-- bad settings: clear errors listing what is accepted, nothing stored
SELECT mlpipe_train('enc_bad', 'eshops', 'y', preprocess => '{"city": {"encode": "label"}}');
SELECT mlpipe_train('enc_bad', 'eshops', 'y', preprocess => '{"city": {"encode": "hash"}}');
SELECT mlpipe_train('enc_bad', 'eshops', 'y', preprocess => '{"city": {"encode": "hash", "buckets": 1}}');
SELECT mlpipe_train('enc_bad', 'eshops', 'y', preprocess => '{"city": {"encode": "hash", "buckets": 8, "max_categories": 3}}');
SELECT mlpipe_train('enc_bad', 'eshops', 'y', preprocess => '{"city": {"encode": "onehot", "buckets": 8}}');
SELECT mlpipe_train('enc_bad', 'eshops', 'y', preprocess => '{"city": {"encode": "ordinal", "smoothing": 5}}');
SELECT mlpipe_train('enc_bad', 'eshops', 'y', preprocess => '{"city": {"encode": "target", "smoothing": -1}}');
SELECT mlpipe_train('enc_bad', 'eshops', 'y', preprocess => '{"x": {"encode": "ordinal"}}');
SELECT mlpipe_train('enc_bad', 'eshops', 'y', preprocess => '{"city": {"scale": "minmax"}}');
SELECT mlpipe_train('enc_bad', 'eshops', 'y', preprocess => '{"city": {"encode": "hash", "buckets": 8, "impute": "mean"}}');
SELECT mlpipe_train('enc_bad', 'eshops', 'y', preprocess => '{"city": {"encode": "ordinal", "transform": "log1p"}}');
SELECT mlpipe_train('enc_bad', 'eshops', 'y', preprocess => '{"color": {"encode": "ordinal", "impute": "error"}}');
SELECT mlpipe_train('enc_bad', 'SELECT x, ''c''::text || (x > 0)::int AS k, y FROM eshops', 'y',
                    preprocess => '{"k": {"encode": "hash", "buckets": 2}}');
SELECT count(*) AS nothing_stored FROM mlpipe.projects WHERE name = 'enc_bad';
-- an ordinal column may be imputed and scaled like a number
SELECT deployed FROM mlpipe_train('enc_ord_prep', 'eshops', 'y', 'ridge', test_size => 0,
    preprocess => '{"color": {"encode": "ordinal", "impute": "median", "scale": "minmax"}}');
SELECT mlpipe_predict('enc_ord_prep', '{"x": 1, "city": "c01", "color": null}'::jsonb) =
       mlpipe_predict('enc_ord_prep', '{"x": 1, "city": "c01", "color": "green"}'::jsonb) AS null_is_the_median;

-- values the model does not know are counted per column, for drift
-- monitoring: at training per split (values past the cap), at evaluate
SELECT deployed FROM mlpipe_train('enc_unseen', 'eshops', 'y', 'ridge', split => 'random', seed => 1,
    preprocess => '{"city": {"max_categories": 35}}');
SELECT m.split, m.metric, m.value
FROM mlpipe.metrics m WHERE m.model_id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'enc_unseen')
 AND m.metric LIKE 'unseen:%' ORDER BY 1, 2;
SELECT count(*) FILTER (WHERE NOT mlpipe_split_test(s, 0.25, 'random', 1)) AS train_rows_in_other
FROM eshops s
WHERE city NOT IN (SELECT feature_city FROM (
    SELECT substr(feature, 6) AS feature_city FROM mlpipe_coefficients('enc_unseen') WHERE feature LIKE 'city=%') k);
SELECT e.metric, e.value,
       CASE e.metric WHEN 'unseen:city' THEN (SELECT count(*) FROM eshops WHERE x > 10 OR city NOT IN (
            SELECT substr(feature, 6) FROM mlpipe_coefficients('enc_unseen') WHERE feature LIKE 'city=%'))
       ELSE 0 END AS expected
FROM mlpipe_evaluate('enc_unseen', 'SELECT x, CASE WHEN x > 10 THEN ''new'' ELSE city END AS city, color, y FROM eshops') e
WHERE e.metric LIKE 'unseen:%' ORDER BY 1;

-- "*" settings reach an encoded column only where they fit: no transform
-- on ordinal or target values, no imputation of target values (NULL is a
-- category); the model stays readable, evaluate equals training
SELECT deployed FROM mlpipe_train('enc_star', 'eshops', 'y', 'ridge', test_size => 0,
    preprocess => '{"*": {"transform": "log1p", "impute": "drop"}, "city": {"encode": "ordinal"}, "color": {"encode": "target"}}');
SELECT count(*) AS coefficients FROM mlpipe_coefficients('enc_star');
SELECT n_train FROM mlpipe.models WHERE id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'enc_star');
SELECT e.metric, abs(e.value - m.value) <= 1e-10 * abs(m.value) AS same_as_train
FROM mlpipe_evaluate('enc_star', 'eshops') e
JOIN mlpipe.metrics m ON m.model_id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'enc_star')
 AND m.split = 'train' AND m.metric = e.metric
WHERE e.metric IN ('mse', 'r2') ORDER BY 1;
SELECT mlpipe_train('enc_bad', 'eshops', 'y', preprocess => '{"color": {"encode": "target", "impute": "drop"}}');
-- an ordinal NULL the model cannot fill is an error in evaluate as in predict
SELECT deployed FROM mlpipe_train('enc_ord_err', 'SELECT x, city, y FROM eshops', 'y', 'ridge', test_size => 0,
    preprocess => '{"city": {"encode": "ordinal", "impute": "error"}}');
SELECT * FROM mlpipe_evaluate('enc_ord_err', 'SELECT x, CASE WHEN x > 12 THEN NULL ELSE city END AS city, y FROM eshops');
SELECT mlpipe_predict('enc_ord_err', '{"x": 1, "city": null}'::jsonb);
-- a cap alone keeps the encoding "*" chose, in the stored spec too
SELECT deployed FROM mlpipe_train('enc_cap', 'eshops', 'y', 'ridge', test_size => 0,
    preprocess => '{"*": {"encode": "ordinal"}, "city": {"max_categories": 3}}');
SELECT spec -> 'preprocess' AS stored FROM mlpipe.models WHERE id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'enc_cap');
SELECT feature FROM mlpipe_coefficients('enc_cap') ORDER BY 1;
