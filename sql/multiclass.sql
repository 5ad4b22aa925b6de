-- Multiclass metrics from the confusion of label pairs (mlpipe_confusion),
-- against sklearn.metrics on 600 fixed pairs
-- (test/reference/make_multiclass_reference.py), for text and integer labels.
CREATE TABLE mc (y_true text, y_pred text, t_int int, p_int int);
\copy mc FROM 'test/data/multiclass_pairs.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE mcref (kind text, metric text, arg text, value float8);
\copy mcref FROM 'test/reference/multiclass_metrics.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE mcconf AS
SELECT 'text' AS kind, mlpipe_confusion(y_true, y_pred) AS c FROM mc
UNION ALL
SELECT 'int', mlpipe_confusion(t_int, p_int) FROM mc;

-- every averaged metric agrees to 1e-9
SELECT r.kind, r.metric, r.arg,
       abs(CASE r.metric
             WHEN 'accuracy' THEN mlpipe_accuracy(m.c)
             WHEN 'mcc' THEN mlpipe_mcc(m.c)
             WHEN 'precision' THEN mlpipe_precision(m.c, r.arg, CASE m.kind WHEN 'text' THEN 'dog' ELSE '10' END)
             WHEN 'recall' THEN mlpipe_recall(m.c, r.arg, CASE m.kind WHEN 'text' THEN 'dog' ELSE '10' END)
             WHEN 'f1' THEN mlpipe_f1(m.c, r.arg, CASE m.kind WHEN 'text' THEN 'dog' ELSE '10' END)
           END - r.value) <= 1e-9 AS agrees
FROM mcref r JOIN mcconf m USING (kind)
WHERE r.metric IN ('accuracy', 'mcc', 'precision', 'recall', 'f1')
ORDER BY 1, 2, 3;
-- per class, in scikit-learn's order (the integers by value)
SELECT m.kind, string_agg(cm.class, ' ' ORDER BY cm.ord) AS classes,
       bool_and(abs(cm.precision - rp.value) <= 1e-9 AND abs(cm.recall - rr.value) <= 1e-9 AND
                abs(cm.f1 - rf.value) <= 1e-9 AND cm.support = rs.value) AS all_agree
FROM mcconf m
CROSS JOIN LATERAL mlpipe_class_metrics(m.c) WITH ORDINALITY AS cm(class, precision, recall, f1, support, ord)
JOIN mcref rp ON rp.metric = 'class_precision' AND rp.arg = cm.class
JOIN mcref rr ON rr.metric = 'class_recall' AND rr.arg = cm.class
JOIN mcref rf ON rf.metric = 'class_f1' AND rf.arg = cm.class
JOIN mcref rs ON rs.metric = 'class_support' AND rs.arg = cm.class
WHERE rp.kind = m.kind AND rr.kind = m.kind AND rf.kind = m.kind AND rs.kind = m.kind
GROUP BY 1 ORDER BY 1;
-- the confusion matrix, rows true labels, columns predicted
SELECT m.kind, mlpipe_confusion_matrix(m.c) -> 'labels' AS labels,
       (SELECT string_agg(v, ' ') FROM jsonb_array_elements(mlpipe_confusion_matrix(m.c) -> 'matrix') row,
               jsonb_array_elements_text(row) v) =
       (SELECT arg FROM mcref r WHERE r.kind = m.kind AND r.metric = 'confusion_matrix') AS same_matrix
FROM mcconf m ORDER BY 1;
SELECT mlpipe_confusion_matrix(y_true, y_pred) = (SELECT mlpipe_confusion_matrix(c) FROM mcconf WHERE kind = 'text')
       AS aggregate_form FROM mc;

-- per segment with GROUP BY, and in a parallel plan with the same result
SELECT y_true, round(mlpipe_accuracy(mlpipe_confusion(y_true, y_pred))::numeric, 4) AS recall_of_class
FROM mc GROUP BY 1 ORDER BY 1;
CREATE TABLE mcbig AS SELECT m.* FROM mc m, generate_series(1, 200) g;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SELECT abs(mlpipe_f1(mlpipe_confusion(y_true, y_pred), 'macro') -
           (SELECT value FROM mcref WHERE kind = 'text' AND metric = 'f1' AND arg = 'macro')) <= 1e-9 AS parallel_f1,
       abs(mlpipe_mcc(mlpipe_confusion(y_true, y_pred)) -
           (SELECT value FROM mcref WHERE kind = 'text' AND metric = 'mcc')) <= 1e-9 AS parallel_mcc,
       mlpipe_confusion_matrix(y_true, y_pred) -> 'labels' AS labels
FROM mcbig;
EXPLAIN (COSTS OFF) SELECT mlpipe_confusion(y_true, y_pred) FROM mcbig;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- the state type reads back what it prints, and refuses anything else
SELECT c::text::mlpipe_confusion::text = c::text AS round_trip FROM mcconf;
SELECT '{"labels": ["a", "b"], "counts": [[3, 1], [0, 2]]}'::mlpipe_confusion AS parsed;
SELECT mlpipe_f1('{"labels": ["a", "b"], "counts": [[3, 1], [0, 2]]}'::mlpipe_confusion, 'binary', 'a');
SELECT '{"labels": ["a", "a"], "counts": [[3, 1], [0, 2]]}'::mlpipe_confusion;
SELECT '{"labels": ["a", "b"], "counts": [[3, 1]]}'::mlpipe_confusion;
SELECT '{"labels": ["a", "b"], "counts": [[3, -1], [0, 2]]}'::mlpipe_confusion;
SELECT '{"labels": ["a"], "counts": [[1]], "extra": 1}'::mlpipe_confusion;
SELECT '[1, 2]'::mlpipe_confusion;
-- bad arguments
SELECT mlpipe_f1(c, 'samples') FROM mcconf WHERE kind = 'text';
SELECT mlpipe_f1(c, 'binary') FROM mcconf WHERE kind = 'text';
SELECT mlpipe_f1(c, 'binary', 'wolf') FROM mcconf WHERE kind = 'text';
-- no pairs, or only NULLs: NULL
SELECT mlpipe_f1(mlpipe_confusion(y_true, y_pred)) AS no_rows FROM mc WHERE false;
SELECT mlpipe_accuracy(mlpipe_confusion(NULL::text, y_pred)) AS only_nulls FROM mc;

-- the ROC curve of binary labels and scores, as sklearn.metrics.roc_curve
-- (tied scores; points on straight segments dropped), serial and parallel
CREATE TABLE rocpairs (y_true boolean, y_pred boolean, score float8, prob float8, label text, pred_label text);
\copy rocpairs FROM 'test/data/classif_pairs.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE rocref (i int, threshold float8, fpr float8, tpr float8);
\copy rocref FROM 'test/reference/roc_curve.csv' WITH (FORMAT csv, HEADER)
WITH c AS (SELECT mlpipe_roc_curve(y_true, score) AS j FROM rocpairs),
pts AS (SELECT (t.o - 1)::int AS i, t.v::float8 AS t,
               (c.j -> 'fpr' ->> (t.o - 1)::int)::float8 AS f,
               (c.j -> 'tpr' ->> (t.o - 1)::int)::float8 AS p
        FROM c, jsonb_array_elements_text(c.j -> 'threshold') WITH ORDINALITY AS t(v, o))
SELECT count(*) AS points, (SELECT count(*) FROM rocref) AS sklearn_points,
       bool_and(abs(pts.t - r.threshold) <= 1e-12 AND abs(pts.f - r.fpr) <= 1e-12 AND
                abs(pts.p - r.tpr) <= 1e-12) AS all_agree
FROM pts JOIN rocref r USING (i);
SELECT mlpipe_roc_curve(y, s) AS one_class FROM (VALUES (true, 0.5), (true, 0.7)) v(y, s);

-- many classes from probability arrays (in the order of classes): one-vs-
-- rest macro ROC AUC (tie-aware) and log loss, as scikit-learn, serial and
-- parallel
CREATE TABLE mcp (y_true text, p_cat float8, p_dog float8, p_eel float8);
\copy mcp FROM 'test/data/multiclass_proba.csv' WITH (FORMAT csv, HEADER)
SELECT abs(mlpipe_roc_auc(y_true, ARRAY[p_cat, p_dog, p_eel], ARRAY['cat', 'dog', 'eel']) -
           (SELECT value FROM mcref WHERE kind = 'proba' AND metric = 'roc_auc_ovr')) <= 1e-9 AS roc_auc_ovr,
       abs(mlpipe_log_loss(y_true, ARRAY[p_cat, p_dog, p_eel], ARRAY['cat', 'dog', 'eel']) -
           (SELECT value FROM mcref WHERE kind = 'proba' AND metric = 'log_loss')) <= 1e-9 AS log_loss
FROM mcp;
CREATE TABLE mcpbig AS SELECT m.* FROM mcp m, generate_series(1, 100) g;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SELECT abs(mlpipe_roc_auc(y_true, ARRAY[p_cat, p_dog, p_eel], ARRAY['cat', 'dog', 'eel']) -
           (SELECT value FROM mcref WHERE kind = 'proba' AND metric = 'roc_auc_ovr')) <= 1e-9 AS parallel_roc_auc,
       abs(mlpipe_log_loss(y_true, ARRAY[p_cat, p_dog, p_eel], ARRAY['cat', 'dog', 'eel']) -
           (SELECT value FROM mcref WHERE kind = 'proba' AND metric = 'log_loss')) <= 1e-9 AS parallel_log_loss
FROM mcpbig;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
-- bad input
SELECT mlpipe_roc_auc(y_true, ARRAY[p_cat, p_dog], ARRAY['cat', 'dog', 'eel']) FROM mcp;
SELECT mlpipe_log_loss(y_true, ARRAY[p_cat, p_dog, p_eel], ARRAY['cat', 'dog', 'owl']) FROM mcp;
SELECT mlpipe_log_loss(y_true, ARRAY[p_cat, -p_dog, p_eel], ARRAY['cat', 'dog', 'eel']) FROM mcp;
SELECT mlpipe_roc_auc(y_true, ARRAY[p_cat, p_dog, p_eel], ARRAY['cat', 'dog', 'eel']) AS one_class_missing
FROM mcp WHERE y_true <> 'eel';
