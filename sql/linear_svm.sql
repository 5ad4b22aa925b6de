-- linear_svm: squared hinge and hinge loss, one-vs-rest, balanced class
-- weights; coefficients on the original scale and training accuracy
-- against scikit-learn's LinearSVC, Platt probabilities against
-- CalibratedClassifierCV (test/reference/make_svm_reference.py); no
-- probabilities without the calibration; the errors.
SELECT mlpipe_load_dataset('iris', 'svm_iris');
SELECT mlpipe_load_dataset('breast_cancer', 'svm_bc');
SELECT mlpipe_load_dataset('wine', 'svm_wine');
CREATE TABLE svmref (ref_case text, class text, name text, value float8);
\copy svmref FROM 'test/reference/svm_coef.csv' WITH (FORMAT csv, HEADER)

CREATE TABLE svm_runs AS
SELECT v.ref_case, t.model_id, (t.metrics -> 'train' ->> 'accuracy')::float8 AS accuracy,
       t.metrics -> 'train' ? 'log_loss' AS has_log_loss
FROM (VALUES ('bc', 'svm_bc', 'diagnosis', '{"probability": true, "tol": 1e-8}'::jsonb),
             ('bc_hinge', 'svm_bc', 'diagnosis', '{"loss": "hinge", "C": 0.5, "tol": 1e-8}'),
             ('iris', 'svm_iris', 'species', '{"probability": true, "tol": 1e-8}'),
             ('wine_bal', 'svm_wine', 'cultivar', '{"class_weight": "balanced", "C": 0.1}'))
     AS v(ref_case, src, target, hp),
LATERAL mlpipe_train('svm_' || v.ref_case, v.src, v.target, algorithm => 'linear_svm',
                     hyperparams => v.hp, test_size => 0) t;

-- every coefficient, intercepts included, per class, to 1e-4 relative to
-- its size (at least 1); the training accuracy within a point of
-- LinearSVC's, the same without calibration (with it, the class is the
-- most probable)
SELECT u.ref_case, count(*) AS coefficients,
       max(abs(c.coefficient - r.value) / greatest(abs(r.value), 1)) < 1e-4 AS agree,
       abs(u.accuracy - (SELECT value FROM svmref a WHERE a.ref_case = u.ref_case AND a.name = 'accuracy')) <= 0.01
           AS accuracy_within_point,
       abs(u.accuracy - (SELECT value FROM svmref a WHERE a.ref_case = u.ref_case AND a.name = 'accuracy')) < 1e-12
           AS same_accuracy,
       u.has_log_loss
FROM svm_runs u, mlpipe_coefficients(u.model_id) c
JOIN svmref r ON r.name = c.feature AND r.class = c.class
WHERE r.ref_case = u.ref_case
GROUP BY u.ref_case, u.accuracy, u.has_log_loss ORDER BY 1;

-- Platt probabilities of the first five rows
SELECT u.ref_case, count(*) AS probabilities, max(abs(p.proba - r.value)) < 1e-6 AS agree
FROM svm_runs u
JOIN LATERAL (SELECT i.rn, unnest(mlpipe_classes(u.model_id)) AS class,
                     unnest(mlpipe_predict_proba(u.model_id, i)) AS proba
              FROM (SELECT row_number() OVER () AS rn, * FROM svm_iris) i
              WHERE u.ref_case = 'iris' AND i.rn <= 5
              UNION ALL
              SELECT b.rn, unnest(mlpipe_classes(u.model_id)), unnest(mlpipe_predict_proba(u.model_id, b))
              FROM (SELECT row_number() OVER () AS rn, * FROM svm_bc) b
              WHERE u.ref_case = 'bc' AND b.rn <= 5) p ON true
JOIN svmref r ON r.ref_case = u.ref_case AND r.name = 'proba_row' || p.rn AND r.class = p.class
GROUP BY 1 ORDER BY 1;

-- without calibration: the class by the decision values, which are not
-- probabilities; the stored metrics have no log loss, the AUC ranks the
-- decision values
SELECT count(*) AS rows, avg((mlpipe_predict_class(u.model_id, b) = b.diagnosis)::int) = u.accuracy AS accuracy,
       (SELECT count(*) FROM mlpipe.metrics m WHERE m.model_id = u.model_id AND m.metric = 'roc_auc') AS roc_auc_rows
FROM svm_runs u, svm_bc b WHERE u.ref_case = 'bc_hinge' GROUP BY u.model_id, u.accuracy;
SELECT mlpipe_predict_proba('svm_bc_hinge', b) FROM svm_bc b LIMIT 1;
SELECT mlpipe_predict_class('svm_bc_hinge', b, threshold => 0.3) FROM svm_bc b LIMIT 1;
-- the default threshold is the decision value's sign
SELECT mlpipe_predict_class('svm_bc_hinge', b, threshold => 0.5) FROM svm_bc b LIMIT 1;
-- evaluate has the same metrics as training on the same rows
SELECT e.metric, abs(e.value - m.value) < 1e-12 AS same
FROM mlpipe_evaluate('svm_wine_bal', 'svm_wine') e
JOIN mlpipe.metrics m ON m.model_id = (SELECT model_id FROM svm_runs WHERE ref_case = 'wine_bal')
     AND m.split = 'train' AND m.metric = e.metric AND m.class IS NOT DISTINCT FROM e.class
WHERE e.class IS NULL ORDER BY 1;
SELECT p.name, m.hyperparams FROM mlpipe.models m JOIN mlpipe.projects p ON p.id = m.project_id
WHERE p.name = 'svm_bc' ORDER BY 1;

-- errors
SELECT mlpipe_train('svm_bad', 'svm_bc', 'diagnosis', algorithm => 'linear_svm',
                    hyperparams => '{"probability": "yes"}');
SELECT mlpipe_train('svm_bad', 'svm_bc', 'diagnosis', algorithm => 'linear_svm',
                    hyperparams => '{"loss": "log"}');
SELECT mlpipe_train('svm_bad', 'svm_bc', 'diagnosis', algorithm => 'linear_svm',
                    hyperparams => '{"penalty": "l1"}');
-- too few iterations warn
SELECT (mlpipe_train('svm_short', 'svm_bc', 'diagnosis', algorithm => 'linear_svm',
                     hyperparams => '{"max_iter": 1, "tol": 1e-9}', test_size => 0)).algorithm;
