-- Categorical features (text, varchar, enum columns) are one-hot encoded:
-- categories fitted on the training rows, at most 30 kept per column plus
-- "(other)", NULL its own category; against scikit-learn's OneHotEncoder
-- (test/reference/make_categorical_reference.py).
CREATE TABLE catref (model text, name text, value float8);
\copy catref FROM 'test/reference/categorical_coef.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE shops (x float8, city text, color text, y float8);
\copy shops FROM 'test/data/shops.csv' WITH (FORMAT csv, HEADER)
SELECT count(DISTINCT city) AS cities, count(*) FILTER (WHERE color IS NULL) AS null_colors FROM shops;
SELECT mlpipe_load_dataset('iris', 'ci');

-- iris: species is found as a feature by itself
SELECT deployed FROM mlpipe_train('c_iris', 'SELECT petal_length, petal_width, species, sepal_length FROM ci',
    'sepal_length', 'ridge', hyperparams => '{"alpha": 1}', test_size => 0,
    preprocess => '{"*": {"scale": "none"}}');
SELECT feature, abs(coefficient - r.value) <= 1e-9 * greatest(abs(r.value), 1) AS agrees
FROM mlpipe_coefficients('c_iris') c JOIN catref r ON r.model = 'iris' AND r.name = c.feature
ORDER BY 1;
SELECT count(*) AS coefficients FROM mlpipe_coefficients('c_iris');

-- scoring by row and by jsonb; an unseen species gets no one-hot feature
SELECT r.name,
       abs(mlpipe_predict('c_iris', v.j::jsonb) - r.value) <= 1e-9 * abs(r.value) AS by_jsonb,
       abs(mlpipe_predict('c_iris', t) - r.value) <= 1e-9 * abs(r.value) AS by_row
FROM (VALUES ('predict_setosa', '{"petal_length": 1.4, "petal_width": 0.2, "species": "setosa"}'),
             ('predict_virginica', '{"petal_length": 5.5, "petal_width": 2.0, "species": "virginica"}'),
             ('predict_unseen', '{"petal_length": 1.4, "petal_width": 0.2, "species": "zzz"}')) AS v(name, j)
JOIN catref r ON r.model = 'iris' AND r.name = v.name
CROSS JOIN LATERAL (SELECT (v.j::jsonb ->> 'petal_length')::float8 AS petal_length,
                           (v.j::jsonb ->> 'petal_width')::float8 AS petal_width,
                           v.j::jsonb ->> 'species' AS species) t
ORDER BY 1;

-- a predicted column over the table agrees with the training metrics
SELECT abs(avg((mlpipe_predict('c_iris', ci) - sepal_length) ^ 2) - t.value) < 1e-12 AS same_mse
FROM ci, mlpipe.metrics t
WHERE t.metric = 'mse' AND t.split = 'train'
  AND t.model_id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'c_iris')
GROUP BY t.value;

-- shops: 40 cities, 30 kept and "(other)"; color has NULLs in training
SELECT deployed FROM mlpipe_train('c_shops', 'shops', 'y', 'ridge', hyperparams => '{"alpha": 0.5}', test_size => 0,
    preprocess => '{"*": {"scale": "none"}}');
SELECT count(*) AS coefficients,
       bool_and(abs(coefficient - r.value) <= 1e-9 * greatest(abs(r.value), 1)) AS all_agree,
       count(*) FILTER (WHERE feature LIKE 'city=%') AS city_features,
       string_agg(feature, ', ' ORDER BY feature) FILTER (WHERE feature NOT LIKE 'city=c%') AS others
FROM mlpipe_coefficients('c_shops') c JOIN catref r ON r.model = 'shops' AND r.name = c.feature;
SELECT r.name, abs(mlpipe_predict('c_shops', v.j::jsonb) - r.value) <= 1e-9 * abs(r.value) AS agrees
FROM (VALUES ('predict_kept', '{"x": 10, "city": "c03", "color": "red"}'),
             ('predict_other', '{"x": 10, "city": "c35", "color": "green"}'),
             ('predict_unseen_city', '{"x": 10, "city": "nowhere", "color": "blue"}'),
             ('predict_null_color', '{"x": 10, "city": "c00", "color": null}'),
             ('predict_unseen_color', '{"x": 10, "city": "c00", "color": "purple"}')) AS v(name, j)
JOIN catref r ON r.model = 'shops' AND r.name = v.name
ORDER BY 1;

-- varchar and enum columns are categories too, matched by their text;
-- a number or boolean in jsonb is matched as written
CREATE TYPE tint AS ENUM ('red', 'green', 'blue');
CREATE TABLE shops2 AS SELECT x, city::varchar(10) AS city, color::tint AS color, y FROM shops;
SELECT deployed FROM mlpipe_train('c_shops2', 'shops2', 'y', 'ridge', hyperparams => '{"alpha": 0.5}', test_size => 0,
    preprocess => '{"*": {"scale": "none"}}');
SELECT bool_and(a.coefficient = b.coefficient) AS same_model, count(*)
FROM mlpipe_coefficients('c_shops') a JOIN mlpipe_coefficients('c_shops2') b USING (feature);
SELECT abs(mlpipe_predict('c_shops2', s) - mlpipe_predict('c_shops', '{"x": 10, "city": "c03", "color": "red"}'::jsonb)) < 1e-12 AS same_prediction
FROM (SELECT 10.0::float8 AS x, 'c03'::varchar AS city, 'red'::tint AS color) s;
SELECT deployed FROM mlpipe_train('c_num', 'SELECT x, (floor(x)::int % 3)::text AS k, y FROM shops', 'y', test_size => 0);
SELECT mlpipe_predict('c_num', '{"x": 10, "k": 1}'::jsonb) = mlpipe_predict('c_num', '{"x": 10, "k": "1"}'::jsonb) AS number_as_text,
       mlpipe_predict('c_num', '{"x": 10, "k": 1}'::jsonb) <> mlpipe_predict('c_num', '{"x": 10, "k": 2}'::jsonb) AS categories_differ;

-- evaluate encodes the rows with the model's own categories: on the
-- training rows it gives the training metrics; an unseen city is "(other)"
SELECT e.metric, abs(e.value - t.value) <= 1e-12 * abs(t.value) AS same_as_train
FROM mlpipe_evaluate('c_shops', 'shops') e
JOIN mlpipe.metrics t ON t.metric = e.metric AND t.split = 'train'
 AND t.model_id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'c_shops')
ORDER BY 1;
SELECT abs(e.value - (SELECT avg((mlpipe_predict('c_shops', s) - s.y) ^ 2)
                      FROM (SELECT x, 'nowhere'::text AS city, color, y FROM shops) s)) < 1e-9 AS unseen_city_mse
FROM mlpipe_evaluate('c_shops', $$SELECT x, 'nowhere' AS city, color, y FROM shops$$) e
WHERE e.metric = 'mse';

-- a held-out split: categories come from the training rows only
SELECT (metrics ? 'test') AS has_test, (metrics -> 'test' ->> 'r2')::float8 > 0.8 AS fits FROM mlpipe_train('c_split', 'shops', 'y', 'ridge', split => 'random', seed => 3);

-- errors
SELECT mlpipe_predict('c_shops', ARRAY[1.0, 2.0]::float8[]);
SELECT mlpipe_predict('c_shops', '{"x": 10, "city": ["c00"], "color": "red"}'::jsonb);
SELECT mlpipe_predict('c_shops', '{"x": 10, "color": "red"}'::jsonb);
SELECT mlpipe_train('c_one', 'SELECT x, ''same''::text AS k, y FROM shops', 'y', test_size => 0);

-- the cap is configurable per column (or for all with "*")
SELECT deployed FROM mlpipe_train('c_cap3', 'shops', 'y', 'ridge', hyperparams => '{"alpha": 0.5}', test_size => 0,
    preprocess => '{"*": {"scale": "none"}, "city": {"encode": "onehot", "max_categories": 3}}');
SELECT count(*) AS coefficients,
       bool_and(abs(coefficient - r.value) <= 1e-9 * greatest(abs(r.value), 1)) AS all_agree,
       string_agg(feature, ', ' ORDER BY feature) AS features
FROM mlpipe_coefficients('c_cap3') c JOIN catref r ON r.model = 'shops_cap3' AND r.name = c.feature;
SELECT r.name, abs(mlpipe_predict('c_cap3', v.j::jsonb) - r.value) <= 1e-9 * abs(r.value) AS agrees
FROM (VALUES ('predict_kept', '{"x": 10, "city": "c03", "color": "red"}'),
             ('predict_other', '{"x": 10, "city": "c35", "color": "green"}'),
             ('predict_unseen_city', '{"x": 10, "city": "nowhere", "color": "blue"}'),
             ('predict_null_color', '{"x": 10, "city": "c00", "color": null}'),
             ('predict_unseen_color', '{"x": 10, "city": "c00", "color": "purple"}')) AS v(name, j)
JOIN catref r ON r.model = 'shops_cap3' AND r.name = v.name
ORDER BY 1;
-- "*" reaches numeric features with impute/scale and categorical ones with the cap;
-- the stored spec keeps what was asked
SELECT deployed FROM mlpipe_train('c_all', 'shops', 'y', 'ridge', test_size => 0,
    preprocess => '{"*": {"scale": "standard", "max_categories": 2}, "color": {"max_categories": 1}}');
SELECT string_agg(feature, ', ' ORDER BY feature) AS features FROM mlpipe_coefficients('c_all');
SELECT m.spec -> 'preprocess' AS stored FROM mlpipe.models m JOIN mlpipe.projects p ON p.id = m.project_id WHERE p.name = 'c_all';

-- preprocess settings that do not fit the column's kind, and bad caps
SELECT mlpipe_train('c_prep', 'shops', 'y', test_size => 0, preprocess => '{"city": {"scale": "standard"}}');
SELECT mlpipe_train('c_prep', 'shops', 'y', test_size => 0, preprocess => '{"city": {"impute": "mean"}}');
SELECT mlpipe_train('c_prep', 'shops', 'y', test_size => 0, preprocess => '{"x": {"max_categories": 3}}');
SELECT mlpipe_train('c_prep', 'shops', 'y', test_size => 0, preprocess => '{"x": {"encode": "onehot"}}');
SELECT mlpipe_train('c_prep', 'shops', 'y', test_size => 0, preprocess => '{"city": {"encode": "label"}}');
SELECT mlpipe_train('c_prep', 'shops', 'y', test_size => 0, preprocess => '{"city": {"max_categories": 0}}');
SELECT mlpipe_train('c_prep', 'shops', 'y', test_size => 0, preprocess => '{"city": {"max_categories": 2.5}}');
SELECT mlpipe_train('c_prep', 'shops', 'y', test_size => 0, preprocess => '{"city": {"max_categories": "5"}}');
SELECT mlpipe_train('c_prep', 'shops', 'y', test_size => 0, preprocess => '{"city": {"max_categories": 1001}}');
SELECT count(*) AS nothing_stored FROM mlpipe.projects WHERE name = 'c_prep';

-- evaluate refuses a column whose kind changed since training
SELECT * FROM mlpipe_evaluate('c_shops', 'SELECT x, 1 AS city, color, y FROM shops');
SELECT * FROM mlpipe_evaluate('c_iris', 'SELECT petal_length::text AS petal_length, petal_width, species, sepal_length FROM ci');
-- a column NULL in every training row is a constant too
SELECT mlpipe_train('c_nul', 'SELECT x, NULL::text AS k, y FROM shops', 'y', test_size => 0);
-- too many features after encoding
SELECT mlpipe_train('c_wide', $$SELECT g::float8 AS x, g::text AS a, (g + 1)::text AS b, (g + 2)::text AS c,
    (g + 3)::text AS d, (g + 4)::text AS e, (g % 7)::float8 AS y FROM generate_series(1, 1200) g$$, 'y',
    test_size => 0, preprocess => '{"*": {"max_categories": 1000}}');

-- an order split: categories seen only in the latest (test) rows get no feature
CREATE TABLE shops_t AS
SELECT row_number() OVER () AS t, x, CASE WHEN row_number() OVER () > 700 THEN 'late'
       ELSE 'early' || (row_number() OVER () % 2) END AS era, y FROM shops;
SELECT (metrics ? 'test') AS has_test FROM mlpipe_train('c_order', 'shops_t', 'y', 'ridge', split => 'order:t');
SELECT string_agg(feature, ', ' ORDER BY feature) AS features FROM mlpipe_coefficients('c_order');

-- char(n) padding is not part of the category
CREATE TABLE shops_c AS SELECT x, city::char(6) AS city, y FROM shops;
SELECT deployed FROM mlpipe_train('c_char', 'shops_c', 'y', 'ridge', test_size => 0);
SELECT mlpipe_predict('c_char', s) = mlpipe_predict('c_char', '{"x": 10, "city": "c03"}'::jsonb) AS same,
       mlpipe_predict('c_char', s) <> mlpipe_predict('c_char', '{"x": 10, "city": "nowhere"}'::jsonb) AS kept
FROM (SELECT 10.0::float8 AS x, 'c03'::char(6) AS city) s;

-- categorical and NULL-bearing numeric columns together: a row of a table,
-- a row of a view and a jsonb object score identically
CREATE TABLE cmixed AS
SELECT i AS id, CASE WHEN i % 9 = 0 THEN NULL ELSE x END AS x, city, color, y
FROM (SELECT row_number() OVER () AS i, * FROM shops) s;
CREATE VIEW cmixed_v AS SELECT y, color, city, x, id, 'extra' AS note FROM cmixed;
SELECT deployed FROM mlpipe_train('c_mixed', 'cmixed_v', 'y', 'ridge', test_size => 0, exclude => ARRAY['id', 'note'],
    preprocess => '{"*": {"impute": "mean", "scale": "standard", "max_categories": 10}}');
SELECT count(*) AS rows, count(*) FILTER (WHERE m.x IS NULL) AS null_x,
       count(*) FILTER (WHERE m.color IS NULL) AS null_color,
       bool_and(mlpipe_predict('c_mixed', m) = mlpipe_predict('c_mixed', v)) AS table_eq_view,
       bool_and(mlpipe_predict('c_mixed', m) = mlpipe_predict('c_mixed', to_jsonb(m))) AS table_eq_jsonb
FROM cmixed m JOIN cmixed_v v USING (id);
SELECT abs(e.value - t.value) <= 1e-12 * t.value AS evaluate_eq_train
FROM mlpipe_evaluate('c_mixed', 'cmixed_v') e
JOIN mlpipe.metrics t ON t.metric = e.metric AND t.split = 'train'
 AND t.model_id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'c_mixed')
WHERE e.metric = 'mse';

-- sparse co-moments of one-hot columns equal the dense ones, also next to a
-- column far from zero: the same model with the one-hot columns built by hand
CREATE TABLE cfar AS SELECT x + 1e9 AS x, color, y FROM shops;
SELECT deployed FROM mlpipe_train('c_far', 'cfar', 'y', 'ridge', hyperparams => '{"alpha": 0.5}', test_size => 0,
    preprocess => '{"*": {"scale": "none"}}');
SELECT deployed FROM mlpipe_train('c_far_dense', $$SELECT x,
    coalesce((color = 'red')::int, 0)::float8 AS "color=red", coalesce((color = 'green')::int, 0)::float8 AS "color=green",
    coalesce((color = 'blue')::int, 0)::float8 AS "color=blue", (color IS NULL)::int::float8 AS "color IS NULL", y FROM cfar$$,
    'y', 'ridge', hyperparams => '{"alpha": 0.5}', test_size => 0, preprocess => '{"*": {"scale": "none"}}');
SELECT count(*) AS coefficients,
       bool_and(abs(a.coefficient - b.coefficient) <= 1e-9 * greatest(abs(b.coefficient), 1)) AS same
FROM mlpipe_coefficients('c_far') a JOIN mlpipe_coefficients('c_far_dense') b USING (feature);
