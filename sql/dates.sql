-- The data spans half a year: the year is constant and left out.
-- Date and timestamp features are expanded into year, month, day, day of
-- week, hour and epoch seconds (UTC for timestamptz); parts constant in the
-- training rows are left out.  The oracle is the same model trained on the
-- parts computed by extract(): it must give the same coefficients.
CREATE TABLE dte AS
SELECT g, TIMESTAMPTZ '2023-01-01 00:00+00' + g * INTERVAL '7 hours 13 minutes' AS ts,
       (g % 10)::float8 AS x
FROM generate_series(1, 600) g;
ALTER TABLE dte ADD COLUMN y float8;
UPDATE dte SET y = 5 + 0.3 * x + 0.7 * extract(month FROM ts AT TIME ZONE 'UTC')
    + 0.1 * extract(hour FROM ts AT TIME ZONE 'UTC') + 0.05 * (g % 7);
CREATE VIEW dte_parts AS
SELECT extract(year FROM ts AT TIME ZONE 'UTC')::float8 AS "ts:year",
       extract(month FROM ts AT TIME ZONE 'UTC')::float8 AS "ts:month",
       extract(day FROM ts AT TIME ZONE 'UTC')::float8 AS "ts:day",
       extract(dow FROM ts AT TIME ZONE 'UTC')::float8 AS "ts:dow",
       extract(hour FROM ts AT TIME ZONE 'UTC')::float8 AS "ts:hour",
       extract(epoch FROM ts)::float8 AS "ts:epoch", x, y, g
FROM dte;

SELECT deployed FROM mlpipe_train('d_ts', 'SELECT ts, x, y FROM dte', 'y', 'ridge',
    hyperparams => '{"alpha": 0.1}', test_size => 0);
SELECT deployed FROM mlpipe_train('d_ref', 'dte_parts', 'y', 'ridge',
    hyperparams => '{"alpha": 0.1}', test_size => 0, exclude => ARRAY['g', 'ts:year']);
SELECT a.feature, abs(a.coefficient - b.coefficient) <= 1e-9 * greatest(abs(b.coefficient), 1e-6) AS same
FROM mlpipe_coefficients('d_ts') a FULL JOIN mlpipe_coefficients('d_ref') b USING (feature)
ORDER BY 1;

-- scoring: a table row, a view row and a jsonb object (the timestamp as text)
CREATE VIEW dte_v AS SELECT y, ts, x, g FROM dte;
SELECT bool_and(abs(mlpipe_predict('d_ts', e) - mlpipe_predict('d_ref', p)) <= 1e-9 * abs(e.y)) AS same_as_ref,
       bool_and(mlpipe_predict('d_ts', e) = mlpipe_predict('d_ts', v)) AS table_eq_view,
       bool_and(mlpipe_predict('d_ts', e) = mlpipe_predict('d_ts', to_jsonb(e))) AS table_eq_jsonb
FROM dte e JOIN dte_v v USING (g) JOIN dte_parts p USING (g);
SELECT round(mlpipe_predict('d_ts', '{"ts": "2023-06-15 13:30:00+00", "x": 2}'::jsonb)::numeric, 6) AS june,
       mlpipe_predict('d_ts', '{"ts": "2023-06-15 13:30:00+00", "x": 2}'::jsonb) =
       mlpipe_predict('d_ts', '{"ts": "2023-06-15 15:30:00+02", "x": 2}'::jsonb) AS same_instant;
-- timestamp and date values score a timestamptz model as the same instant in UTC
SELECT mlpipe_predict('d_ts', r1) = mlpipe_predict('d_ts', r2) AS timestamp_as_utc,
       mlpipe_predict('d_ts', r3) = mlpipe_predict('d_ts', r4) AS date_as_midnight
FROM (SELECT TIMESTAMP '2023-06-15 13:30' AS ts, 2.0 AS x) r1,
     (SELECT TIMESTAMPTZ '2023-06-15 13:30+00' AS ts, 2.0 AS x) r2,
     (SELECT DATE '2023-06-15' AS ts, 2.0 AS x) r3,
     (SELECT TIMESTAMPTZ '2023-06-15 00:00+00' AS ts, 2.0 AS x) r4;

-- evaluate on the training rows gives the training metrics
SELECT e.metric, abs(e.value - t.value) <= 1e-12 * abs(t.value) AS same_as_train
FROM mlpipe_evaluate('d_ts', 'dte_v') e
JOIN mlpipe.metrics t ON t.metric = e.metric AND t.split = 'train'
 AND t.model_id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'd_ts')
ORDER BY 1;

-- a date has no hour; data within one year has no year
SELECT deployed FROM mlpipe_train('d_date', $$SELECT DATE '2024-01-01' + (g * 3) % 360 AS d, x, y FROM dte$$,
    'y', test_size => 0);
SELECT string_agg(feature, ', ' ORDER BY feature) AS features FROM mlpipe_coefficients('d_date');

-- NULL timestamps: imputed part by part, like the extract() columns
CREATE TABLE dten AS SELECT g, CASE WHEN g % 8 = 0 THEN NULL ELSE ts END AS ts, x, y FROM dte;
CREATE VIEW dten_parts AS SELECT p.* FROM dte_parts p JOIN dten USING (g) WHERE dten.ts IS NOT NULL
UNION ALL
SELECT NULL, NULL, NULL, NULL, NULL, NULL, x, y, g FROM dten WHERE ts IS NULL;
SELECT mlpipe_train('d_null', 'SELECT ts, x, y FROM dten', 'y', test_size => 0, preprocess => '{"*": {"impute": "error"}}');
SELECT deployed FROM mlpipe_train('d_null', 'SELECT ts, x, y FROM dten', 'y', 'ridge', test_size => 0,
    preprocess => '{"*": {"impute": "mean", "scale": "standard"}}');
SELECT deployed FROM mlpipe_train('d_nref', 'dten_parts', 'y', 'ridge', test_size => 0, exclude => ARRAY['g', 'ts:year'],
    preprocess => '{"*": {"impute": "mean", "scale": "standard"}}');
SELECT count(*) AS coefficients,
       bool_and(abs(a.coefficient - b.coefficient) <= 1e-9 * greatest(abs(b.coefficient), 1e-6)) AS same
FROM mlpipe_coefficients('d_null') a JOIN mlpipe_coefficients('d_nref') b USING (feature);
SELECT mlpipe_predict('d_null', '{"ts": null, "x": 2}'::jsonb) = mlpipe_predict('d_null', r) AS null_filled
FROM (SELECT NULL::timestamptz AS ts, 2.0 AS x) r;
SELECT e.metric, abs(e.value - t.value) <= 1e-12 * abs(t.value) AS evaluate_same_as_train
FROM mlpipe_evaluate('d_null', 'dten') e
JOIN mlpipe.metrics t ON t.metric = e.metric AND t.split = 'train'
 AND t.model_id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'd_null')
WHERE e.metric = 'mse';

-- errors
SELECT mlpipe_predict('d_ts', '{"ts": 1686835800, "x": 2}'::jsonb);
SELECT mlpipe_predict('d_ts', '{"ts": "not a time", "x": 2}'::jsonb);
SELECT mlpipe_predict('d_ts', r) FROM (SELECT '2023-06-15'::text AS ts, 2.0 AS x) r;
SELECT mlpipe_predict('d_ts', r) FROM (SELECT 'infinity'::timestamptz AS ts, 2.0 AS x) r;
SELECT mlpipe_predict('d_ts', ARRAY[1, 2]::float8[]);
SELECT round(mlpipe_predict('d_ts', r)::numeric, 6) AS null_date_imputed FROM (SELECT NULL::timestamptz AS ts, 2.0 AS x) r;
SELECT * FROM mlpipe_evaluate('d_ts', 'SELECT ts::text AS ts, x, y FROM dte');
SELECT mlpipe_train('d_bad', $$SELECT ts, x, y FROM dte UNION ALL SELECT 'infinity', 1, 1$$, 'y', test_size => 0);
SELECT mlpipe_train('d_bad', $$SELECT TIMESTAMP '2024-01-01' AS t, x, y FROM dte$$, 'y', test_size => 0);
SELECT mlpipe_train('d_bad', 'SELECT ts, x, y FROM dte', 'y', test_size => 0,
    preprocess => '{"ts": {"max_categories": 3}}');
SELECT mlpipe_train('d_bad', 'SELECT ts, x, y FROM dten', 'y', test_size => 0,
    preprocess => '{"ts": {"impute": "constant", "fill_value": 0}}');
-- "*" with a constant fills numbers only: a NULL date is still an error
SELECT mlpipe_train('d_bad', 'SELECT ts, x, y FROM dten', 'y', test_size => 0,
    preprocess => '{"*": {"impute": "constant", "fill_value": 0}}');

-- the last microsecond of a day stays in that day, far from 2000 too
SELECT deployed FROM mlpipe_train('d_far', $$SELECT t, extract(day FROM t)::float8 AS y
    FROM (SELECT TIMESTAMP '2500-03-01 23:59:59.999999' + g * INTERVAL '1 day' AS t
          FROM generate_series(1, 40) g) s$$, 'y', 'ridge', test_size => 0);
SELECT mlpipe_predict('d_far', r1) = mlpipe_predict('d_far', r2) AS same_day,
       mlpipe_predict('d_far', r1) <> mlpipe_predict('d_far', r3) AS next_day_differs
FROM (SELECT TIMESTAMP '2500-03-05 23:59:59.999999' AS t) r1,
     (SELECT TIMESTAMP '2500-03-05 23:59:59' AS t) r2,
     (SELECT TIMESTAMP '2500-03-06 00:00:00' AS t) r3;

-- "*" with a constant or a transform leaves a date's parts alone: a NULL
-- date is still an error at scoring; "transform": "none" is accepted
SELECT deployed FROM mlpipe_train('d_star', 'SELECT ts, x, y FROM dte', 'y', 'ridge', test_size => 0,
    preprocess => '{"*": {"impute": "constant", "fill_value": 0, "transform": "log1p"}, "ts": {"transform": "none"}}');
SELECT mlpipe_predict('d_star', r) FROM (SELECT NULL::timestamptz AS ts, 2.0 AS x) r;
