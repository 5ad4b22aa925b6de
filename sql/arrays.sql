-- float8[] and real[] features of a fixed length: one feature per element,
-- named col[1], col[2], ...; each imputed and scaled like a numeric column.
CREATE TABLE arr AS
SELECT g AS id,
       ARRAY[sin(g)::float8, (g % 7)::float8, CASE WHEN g % 11 = 0 THEN NULL ELSE cos(g / 3.0) END] AS v,
       ARRAY[(g % 5)::real, (g % 3)::real]::real[] AS w,
       (g % 13)::float8 AS x,
       2 * sin(g) - 0.5 * (g % 7) + 3 * coalesce(cos(g / 3.0), 0) + 0.1 * (g % 13) + (g % 5) + 0.01 * (g % 17) AS y
FROM generate_series(1, 400) g;
UPDATE arr SET v = NULL WHERE id % 37 = 0;
-- the same data as plain columns, for a reference model
CREATE VIEW arr_cols AS
SELECT id, v[1] AS "v[1]", v[2] AS "v[2]", v[3] AS "v[3]", w[1]::float8 AS "w[1]", w[2]::float8 AS "w[2]", x, y FROM arr;

SELECT deployed FROM mlpipe_train('arr', 'arr', 'y', 'ridge', hyperparams => '{"alpha": 0.5}', test_size => 0,
                                  exclude => ARRAY['id']);
SELECT deployed FROM mlpipe_train('arr_ref', 'arr_cols', 'y', 'ridge', hyperparams => '{"alpha": 0.5}', test_size => 0,
                                  exclude => ARRAY['id']);
-- the same coefficients, element by element (NULL elements and NULL arrays
-- take each element's training mean)
SELECT a.feature, abs(a.coefficient - b.coefficient) <= 1e-9 * greatest(abs(b.coefficient), 1) AS same
FROM mlpipe_coefficients('arr') a FULL JOIN mlpipe_coefficients('arr_ref') b USING (feature)
ORDER BY 1;
-- a table row, a view row and jsonb score alike, also with NULLs
CREATE VIEW arr_v AS SELECT v, w, x FROM arr;
SELECT bool_and(abs(mlpipe_predict('arr', a) - mlpipe_predict('arr_ref', c)) <= 1e-9 * abs(mlpipe_predict('arr_ref', c))) AS same_as_columns,
       bool_and(abs(mlpipe_predict('arr', a) - mlpipe_predict('arr', to_jsonb(a))) < 1e-12) AS row_is_jsonb,
       count(*) FILTER (WHERE a.v IS NULL OR a.v[3] IS NULL) AS rows_with_nulls
FROM arr a JOIN arr_cols c USING (id);
SELECT bool_and(mlpipe_predict('arr', av) = mlpipe_predict('arr', a)) AS view_is_row, count(*)
FROM arr a, arr_v av WHERE av.x = a.x AND av.v IS NOT DISTINCT FROM a.v AND av.w = a.w;
SELECT round(mlpipe_predict('arr', '{"v": [0.5, 3, null], "w": [1, 2], "x": 4}'::jsonb)::numeric, 9) =
       round(mlpipe_predict('arr_ref', '{"v[1]": 0.5, "v[2]": 3, "v[3]": null, "w[1]": 1, "w[2]": 2, "x": 4}'::jsonb)::numeric, 9) AS jsonb_array;
-- evaluate reads the arrays too
SELECT e.metric, abs(e.value - m.value) <= 1e-10 * abs(m.value) AS same_as_train
FROM mlpipe_evaluate('arr', 'arr') e
JOIN mlpipe.metrics m ON m.model_id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'arr')
 AND m.split = 'train' AND m.metric = e.metric
ORDER BY 1;
-- per-column settings reach every element
SELECT deployed FROM mlpipe_train('arr_prep', 'arr', 'y', 'ridge', test_size => 0, exclude => ARRAY['id'],
    preprocess => '{"v": {"impute": "constant", "fill_value": 0, "scale": "minmax"}}');
SELECT mlpipe_predict('arr_prep', '{"v": null, "w": [1, 2], "x": 4}'::jsonb) =
       mlpipe_predict('arr_prep', '{"v": [0, 0, 0], "w": [1, 2], "x": 4}'::jsonb) AS null_array_is_zeros;

-- bad input: arrays of varying length, two dimensions, empty, all NULL,
-- NaN; at scoring a wrong length, a wrong type
SELECT mlpipe_train('arr_bad', 'SELECT ARRAY[1, 2]::float8[] AS v, 1.0::float8 AS y UNION ALL SELECT ARRAY[1, 2, 3], 2', 'y');
SELECT mlpipe_train('arr_bad', 'SELECT ARRAY[[1, 2]]::float8[] AS v, 1.0::float8 AS y', 'y');
SELECT mlpipe_train('arr_bad', 'SELECT ''{}''::float8[] AS v, 1.0::float8 AS y', 'y');
SELECT mlpipe_train('arr_bad', 'SELECT NULL::float8[] AS v, x, y FROM arr', 'y');
SELECT mlpipe_train('arr_bad', 'SELECT ARRAY[1, ''NaN'']::float8[] AS v, 1.0::float8 AS y', 'y');
SELECT mlpipe_train('arr_bad', 'SELECT v, x, y FROM arr', 'y', preprocess => '{"v": {"impute": "error"}}');
SELECT mlpipe_train('arr_bad', 'SELECT ARRAY[1, 2]::int[] AS v, 1.0::float8 AS y', 'y');
SELECT count(*) AS nothing_stored FROM mlpipe.projects WHERE name = 'arr_bad';
SELECT mlpipe_predict('arr', '{"v": [1, 2], "w": [1, 2], "x": 4}'::jsonb);
SELECT mlpipe_predict('arr', '{"v": "1,2,3", "w": [1, 2], "x": 4}'::jsonb);
SELECT mlpipe_predict('arr', r) FROM (SELECT ARRAY[1, 2]::float8[] AS v, ARRAY[1, 2]::real[] AS w, 4.0 AS x) r;
SELECT mlpipe_predict('arr', r) FROM (SELECT ARRAY[1, 2, 3]::int[] AS v, ARRAY[1, 2]::real[] AS w, 4.0 AS x) r;
SELECT mlpipe_predict('arr', ARRAY[1, 2, 3]::float8[]);
SELECT * FROM mlpipe_evaluate('arr', 'SELECT x AS v, w, x, y FROM arr');

-- one model over every kind at once, with the automatic preprocessing:
-- a categorical column with NULLs, a date with NULLs, a number with NULLs
-- and an array; a table row, a view row and a jsonb object score alike
CREATE TABLE allkinds AS
SELECT a.id, a.v, a.x, CASE WHEN a.id % 6 = 0 THEN NULL ELSE (ARRAY['red', 'green', 'blue'])[1 + a.id % 3] END AS color,
       CASE WHEN a.id % 8 = 0 THEN NULL ELSE date '2024-01-01' + (a.id * 5) % 365 END AS day,
       CASE WHEN a.id % 5 = 0 THEN NULL ELSE a.x * 2 END AS z,
       a.y + (a.id % 3) + (a.id % 365) * 0.001 AS y
FROM arr a;
CREATE VIEW allkinds_v AS SELECT y, day, color, z, x, v, id FROM allkinds;
SELECT deployed FROM mlpipe_train('allkinds', 'allkinds_v', 'y', 'ridge', test_size => 0, exclude => ARRAY['id']);
SELECT string_agg(feature, ', ' ORDER BY feature) AS features FROM mlpipe_coefficients('allkinds');
SELECT count(*) AS rows,
       count(*) FILTER (WHERE t.color IS NULL OR t.day IS NULL OR t.z IS NULL OR t.v IS NULL) AS with_nulls,
       bool_and(mlpipe_predict('allkinds', t) = mlpipe_predict('allkinds', w)) AS table_eq_view,
       bool_and(abs(mlpipe_predict('allkinds', t) - mlpipe_predict('allkinds', to_jsonb(t) - 'id')) < 1e-12) AS table_eq_jsonb
FROM allkinds t JOIN allkinds_v w USING (id);
SELECT e.metric, abs(e.value - m.value) <= 1e-10 * greatest(abs(m.value), 1) AS same_as_train
FROM mlpipe_evaluate('allkinds', 'allkinds_v') e
JOIN mlpipe.metrics m ON m.model_id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'allkinds')
 AND m.split = 'train' AND m.metric = e.metric
ORDER BY 1;

-- "drop" leaves out rows with a NULL array or a NULL element
SELECT deployed FROM mlpipe_train('arr_drop', 'SELECT v, x, y FROM arr', 'y', 'ridge', test_size => 0,
    preprocess => '{"v": {"impute": "drop"}}');
SELECT n_train, (SELECT count(*) FROM arr WHERE v IS NOT NULL AND NOT array_position(v, NULL) IS NOT NULL) AS rows_without_nulls
FROM mlpipe.models WHERE id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'arr_drop');
SELECT e.metric, abs(e.value - m.value) <= 1e-10 * abs(m.value) AS same_as_train
FROM mlpipe_evaluate('arr_drop', 'SELECT v, x, y FROM arr') e
JOIN mlpipe.metrics m ON m.model_id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'arr_drop')
 AND m.split = 'train' AND m.metric = e.metric
ORDER BY 1;
-- an array element NULL where the model has no fill is an error in evaluate too
SELECT deployed FROM mlpipe_train('arr_err', 'SELECT v, x, y FROM arr WHERE v IS NOT NULL AND array_position(v, NULL) IS NULL', 'y',
    'ridge', test_size => 0, preprocess => '{"v": {"impute": "error"}}');
SELECT * FROM mlpipe_evaluate('arr_err', 'SELECT v, x, y FROM arr WHERE v IS NOT NULL');
