-- mlpipe_evaluate: a stored model's metrics on any labelled source, stored
-- as rows with split 'evaluate'.
CREATE TABLE ev AS
SELECT i AS id, (i % 11)::float8 AS a, cos(i)::float8 AS b,
       3 + 2 * (i % 11) - cos(i) + ((i * 37) % 9) * 0.1 AS y
FROM generate_series(1, 300) i;
SELECT deployed FROM mlpipe_train('ev', 'ev', 'y', exclude => ARRAY['id'], test_size => 0);

-- on the training rows it reproduces the stored train metrics
SELECT e.metric, abs(e.value - t.value) <= 1e-12 * abs(t.value) AS same_as_train
FROM mlpipe_evaluate('ev', 'ev') e
JOIN mlpipe.metrics t ON t.metric = e.metric AND t.split = 'train'
 AND t.model_id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'ev')
ORDER BY 1;
-- on new rows (a query; extra columns and column order do not matter) it
-- agrees with the metric aggregates over mlpipe_predict
CREATE TABLE ev_new AS
SELECT 3 + 2 * (i % 11) - cos(i) AS y, cos(i)::float8 AS b, 'x' AS note, (i % 11)::float8 AS a
FROM generate_series(301, 400) i;
SELECT e.metric,
       abs(e.value - CASE e.metric
           WHEN 'mse' THEN (SELECT mlpipe_mse(y, mlpipe_predict('ev', n)) FROM ev_new n)
           WHEN 'rmse' THEN (SELECT mlpipe_rmse(y, mlpipe_predict('ev', n)) FROM ev_new n)
           WHEN 'mae' THEN (SELECT mlpipe_mae(y, mlpipe_predict('ev', n)) FROM ev_new n)
           WHEN 'r2' THEN (SELECT mlpipe_r2(y, mlpipe_predict('ev', n)) FROM ev_new n) END) < 1e-12 AS agrees
FROM mlpipe_evaluate((SELECT live_model_id FROM mlpipe_projects WHERE project = 'ev'),
                     'SELECT * FROM ev_new WHERE y > -1000') e
ORDER BY 1;
-- every call stores its rows
SELECT split, count(*) FROM mlpipe.metrics
WHERE model_id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'ev')
GROUP BY split ORDER BY split;
-- errors: unknown project, a source without a feature or the target, no rows
SELECT * FROM mlpipe_evaluate('no_such_project', 'ev');
SELECT * FROM mlpipe_evaluate('ev', 'SELECT a, y FROM ev');
SELECT * FROM mlpipe_evaluate('ev', 'SELECT a, b FROM ev');
SELECT * FROM mlpipe_evaluate('ev', 'SELECT a, b, y FROM ev WHERE false');
