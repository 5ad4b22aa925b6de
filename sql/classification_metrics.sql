-- Binary classification metric aggregates against scikit-learn
-- (test/reference/make_classification_reference.py), to 1e-12 relative.
CREATE TABLE cpairs (y_true boolean, y_pred boolean, score float8, prob float8,
                     label text, pred_label text);
\copy cpairs FROM 'test/data/classif_pairs.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE cref (metric text, value float8);
\copy cref FROM 'test/reference/classification_metrics.csv' WITH (FORMAT csv, HEADER)

CREATE TABLE cvals AS
SELECT 'accuracy' AS metric, mlpipe_accuracy(y_true, y_pred) AS value FROM cpairs
UNION ALL SELECT 'precision', mlpipe_precision(y_true, y_pred, true) FROM cpairs
UNION ALL SELECT 'recall', mlpipe_recall(y_true, y_pred, true) FROM cpairs
UNION ALL SELECT 'f1', mlpipe_f1(y_true, y_pred, true) FROM cpairs
UNION ALL SELECT 'mcc', mlpipe_mcc(y_true, y_pred, true) FROM cpairs
UNION ALL SELECT 'log_loss', mlpipe_log_loss(y_true, prob) FROM cpairs
UNION ALL SELECT 'roc_auc', mlpipe_roc_auc(y_true, score) FROM cpairs
UNION ALL SELECT 'pr_auc', mlpipe_pr_auc(y_true, score) FROM cpairs;
SELECT r.metric, abs(v.value - r.value) <= 1e-12 * abs(r.value) AS agrees
FROM cref r JOIN cvals v USING (metric) ORDER BY r.metric;

-- labels of any type with equality: text labels give the same answers
SELECT mlpipe_accuracy(label, pred_label) = mlpipe_accuracy(y_true, y_pred) AS text_accuracy,
       mlpipe_f1(label, pred_label, 'yes') = mlpipe_f1(y_true, y_pred, true) AS text_f1,
       mlpipe_mcc(label::varchar, pred_label::varchar, 'yes'::varchar) = mlpipe_mcc(y_true, y_pred, true) AS varchar_mcc
FROM cpairs;
-- numeric labels compare by value (1.0 = 1.00)
SELECT mlpipe_accuracy(a, b) FROM (VALUES (1.0::numeric, 1.00::numeric), (2, 3)) v(a, b);

-- parallel plans give the serial answers
CREATE TABLE cbig AS
SELECT (i % 3 = 0) AS y_true, ((i * 7) % 5 < 2) AS y_pred, ((i * 7919) % 1000) / 1000.0 + (i % 3 = 0)::int * 0.2 AS score
FROM generate_series(1, 60000) i;
ANALYZE cbig;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF) SELECT mlpipe_roc_auc(y_true, score) FROM cbig;
CREATE TABLE cpar AS
SELECT mlpipe_accuracy(y_true, y_pred) AS acc, mlpipe_f1(y_true, y_pred, true) AS f1,
       mlpipe_roc_auc(y_true, score) AS auc, mlpipe_pr_auc(y_true, score) AS ap FROM cbig;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE cser AS
SELECT mlpipe_accuracy(y_true, y_pred) AS acc, mlpipe_f1(y_true, y_pred, true) AS f1,
       mlpipe_roc_auc(y_true, score) AS auc, mlpipe_pr_auc(y_true, score) AS ap FROM cbig;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SELECT p.acc = s.acc AS acc, p.f1 = s.f1 AS f1, abs(p.auc - s.auc) < 1e-12 AS auc,
       abs(p.ap - s.ap) < 1e-12 AS ap FROM cpar p, cser s;

-- edge cases: no rows, one class (AUCs undefined), ties everywhere, NULLs
SELECT mlpipe_accuracy(a, b) IS NULL AS none FROM (VALUES (1, 1)) v(a, b) WHERE false;
SELECT mlpipe_roc_auc(y, s) AS one_class, mlpipe_pr_auc(y, s) AS ap_all_true
FROM (VALUES (true, 0.2), (true, 0.9)) v(y, s);
SELECT mlpipe_roc_auc(y, s) AS all_tied, mlpipe_pr_auc(y, s) AS ap_all_tied
FROM (VALUES (true, 0.5), (false, 0.5), (true, 0.5), (false, 0.5)) v(y, s);
SELECT mlpipe_precision(y, p, true) AS no_positive_predictions, mlpipe_mcc(y, p, true) AS mcc
FROM (VALUES (true, false), (false, false)) v(y, p);
SELECT mlpipe_log_loss(y, p) AS clipped FROM (VALUES (true, 0.0::float8), (false, 1.0)) v(y, p);
SELECT mlpipe_accuracy(a, b), mlpipe_roc_auc(y, s)
FROM (VALUES (1, 1, true, 0.9), (NULL, 2, false, NULL), (3, 4, false, 0.1)) v(a, b, y, s);
SELECT mlpipe_roc_auc(y, s) FROM (VALUES (true, 'NaN'::float8)) v(y, s);
SELECT mlpipe_accuracy(a, b) FROM (VALUES (point(1, 2), point(1, 2))) v(a, b);
