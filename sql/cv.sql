-- Cross-validation: cv_folds => k refits on k - 1 folds of the training
-- rows and scores the held-out fold; stratified for classifiers; each
-- fold's metrics, their mean and std, against scikit-learn on the same
-- folds (test/reference/make_cv_reference.py rebuilds mlpipe's folds).
SELECT mlpipe_load_dataset('iris', 'cv_iris');
SELECT mlpipe_load_dataset('diabetes', 'cv_diabetes');
CREATE TABLE cvref (ref_case text, split text, metric text, value float8);
\copy cvref FROM 'test/reference/cv_metrics.csv' WITH (FORMAT csv, HEADER)

CREATE TABLE cv_runs AS
SELECT 'iris' AS ref_case, model_id, metrics FROM mlpipe_train('cv_iris', 'cv_iris', 'species',
    algorithm => 'logistic_regression', test_size => 0, cv_folds => 5, seed => 42)
UNION ALL
SELECT 'diabetes', model_id, metrics FROM mlpipe_train('cv_diabetes', 'cv_diabetes', 'progression',
    algorithm => 'ridge', hyperparams => '{"alpha": 1}', test_size => 0, cv_folds => 4, seed => 7);

-- every fold's metrics, the mean and the std agree with scikit-learn
SELECT u.ref_case, r.split, count(*) AS metrics, max(abs(m.value - r.value)) < 1e-6 AS agree
FROM cv_runs u
JOIN cvref r ON r.ref_case = u.ref_case
JOIN mlpipe.metrics m ON m.model_id = u.model_id AND m.split = r.split AND m.metric = r.metric
     AND m.class IS NULL
GROUP BY 1, 2 ORDER BY 1, 2;
-- the folds' metrics are rows like a split's, per class too; the JSON
-- has the mean and the std
SELECT split, count(*) FILTER (WHERE class IS NULL) AS overall,
       count(*) FILTER (WHERE class IS NOT NULL) AS per_class
FROM mlpipe.metrics WHERE model_id = (SELECT model_id FROM cv_runs WHERE ref_case = 'iris')
GROUP BY 1 ORDER BY 1;
SELECT ref_case, metrics -> 'cv' -> 'folds' AS folds,
       abs((metrics -> 'cv' -> 'mean' ->> (CASE ref_case WHEN 'iris' THEN 'accuracy' ELSE 'r2' END))::float8 -
           (SELECT value FROM cvref r WHERE r.ref_case = u.ref_case AND r.split = 'cv_mean'
              AND r.metric = CASE ref_case WHEN 'iris' THEN 'accuracy' ELSE 'r2' END)) < 1e-6 AS json_mean
FROM cv_runs u ORDER BY 1;
-- the stratified folds hold 10 of each species
SELECT (SELECT value FROM mlpipe.metrics m WHERE m.model_id = u.model_id AND m.split = 'cv_fold_' || f
        AND m.metric = 'support' AND m.class = s) AS support, count(*)
FROM cv_runs u, generate_series(1, 5) f, unnest(ARRAY['setosa', 'versicolor', 'virginica']) s
WHERE u.ref_case = 'iris' GROUP BY 1;
-- the model itself is fitted on all training rows, as without folds
SELECT (a.metrics -> 'train') = (b.metrics -> 'train') AS same_model
FROM cv_runs a, mlpipe_train('cv_iris_plain', 'cv_iris', 'species', algorithm => 'logistic_regression',
                             test_size => 0) b
WHERE a.ref_case = 'iris';
-- with a test split, the folds are of the training rows only
CREATE TABLE cv_split AS
SELECT model_id FROM mlpipe_train('cv_iris_split', 'cv_iris', 'species', cv_folds => 3, test_size => 0.3);
SELECT (SELECT sum(value) FROM mlpipe.metrics m WHERE m.model_id = t.model_id AND m.split LIKE 'cv_fold_%'
        AND m.metric = 'support') = (SELECT n_train FROM mlpipe.models WHERE id = t.model_id) AS folds_cover_train,
       (SELECT n_test FROM mlpipe.models WHERE id = t.model_id) > 0 AS has_test
FROM cv_split t;
SELECT spec -> 'cv_folds' AS cv_folds FROM mlpipe.models WHERE id = (SELECT model_id FROM cv_runs WHERE ref_case = 'iris');

-- errors
SELECT mlpipe_train('cv_bad', 'cv_iris', 'species', cv_folds => 1);
SELECT mlpipe_train('cv_bad', 'cv_iris', 'species', cv_folds => 101);
SELECT mlpipe_train('cv_bad', '(SELECT * FROM cv_iris LIMIT 3) UNION ALL (SELECT * FROM cv_iris OFFSET 147)',
                    'species', cv_folds => 7, test_size => 0);
-- a class with one training row cannot be in every fold's fit
SELECT mlpipe_train('cv_bad', 'SELECT * FROM cv_iris UNION ALL SELECT 5, 3, 1.5, 0.2, ''rare''', 'species',
                    cv_folds => 3, test_size => 0);
-- target-based selection with folds: a notice that the scores are optimistic
SELECT (metrics -> 'cv' ->> 'folds')::int AS folds
FROM mlpipe_train('cv_sel', 'cv_diabetes', 'progression', preprocess => '{"select": {"method": "f_test", "k": 4}}',
                  cv_folds => 3, test_size => 0);
-- target encoding with folds: the same notice
CREATE TABLE cv_enc AS
SELECT progression, bmi, CASE WHEN age > 55 THEN 'old' WHEN age > 40 THEN 'mid' ELSE 'young' END AS band
FROM cv_diabetes;
SELECT (metrics -> 'cv' ->> 'folds')::int AS folds
FROM mlpipe_train('cv_enc', 'cv_enc', 'progression', preprocess => '{"band": {"encode": "target"}}',
                  cv_folds => 3, test_size => 0);
