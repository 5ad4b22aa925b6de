-- Classification with naive_bayes (Gaussian): labels of any type, the task
-- inferred from the target, class probabilities against scikit-learn's
-- GaussianNB (test/reference/make_naive_bayes_reference.py), the stored
-- metrics, evaluate, and the errors.
SELECT mlpipe_load_dataset('iris', 'nb_iris_raw');
SELECT mlpipe_load_dataset('breast_cancer', 'nb_bc_raw');
CREATE TABLE nb_iris AS SELECT row_number() OVER () AS rn, * FROM nb_iris_raw;
CREATE TABLE nb_bc AS SELECT row_number() OVER () AS rn, * FROM nb_bc_raw;
CREATE TABLE nbref (dataset text, scaling text, rn bigint, class text, proba float8);
\copy nbref FROM 'test/reference/naive_bayes_proba.csv' WITH (FORMAT csv, HEADER)

-- a text target means classification, and naive_bayes by default
CREATE TABLE nb_runs AS
SELECT v.dataset, v.scaling, t.model_id, t.algorithm, t.task
FROM (VALUES ('iris', 'raw', 'nb_iris', 'species'), ('iris', 'standard', 'nb_iris', 'species'),
             ('breast_cancer', 'raw', 'nb_bc', 'diagnosis'), ('breast_cancer', 'standard', 'nb_bc', 'diagnosis'))
     AS v(dataset, scaling, src, target),
LATERAL mlpipe_train('nb_' || v.dataset || '_' || v.scaling, v.src, v.target, test_size => 0,
                     exclude => ARRAY['rn'],
                     preprocess => CASE v.scaling WHEN 'raw' THEN '{"*": {"scale": "none"}}'::jsonb
                                                  ELSE '{}'::jsonb END) t;
SELECT dataset, scaling, algorithm, task, mlpipe_classes(model_id) FROM nb_runs ORDER BY 1, 2;

-- every row's probability of every class agrees with GaussianNB to 1e-9
SELECT u.dataset, u.scaling, count(*) AS probabilities,
       max(abs(p.proba - r.proba)) <= 1e-9 AS all_agree
FROM nb_runs u
JOIN LATERAL (SELECT i.rn, unnest(mlpipe_classes(u.model_id)) AS class,
                     unnest(mlpipe_predict_proba(u.model_id, i)) AS proba
              FROM nb_iris i WHERE u.dataset = 'iris'
              UNION ALL
              SELECT b.rn, unnest(mlpipe_classes(u.model_id)),
                     unnest(mlpipe_predict_proba(u.model_id, b))
              FROM nb_bc b WHERE u.dataset = 'breast_cancer') p ON true
JOIN nbref r ON r.dataset = u.dataset AND r.scaling = u.scaling AND r.rn = p.rn AND r.class = p.class
GROUP BY 1, 2 ORDER BY 1, 2;

-- the class is the most probable; a row, its jsonb and a view agree
CREATE VIEW nb_iris_v AS SELECT sepal_width, sepal_length, petal_width, petal_length, rn FROM nb_iris;
SELECT bool_and(mlpipe_predict_class(u.model_id, i) =
                (SELECT r.class FROM nbref r WHERE r.dataset = 'iris' AND r.scaling = 'standard' AND r.rn = i.rn
                 ORDER BY r.proba DESC LIMIT 1)) AS argmax,
       bool_and(mlpipe_predict_class(u.model_id, i) = mlpipe_predict_class(u.model_id, to_jsonb(i) - 'species')) AS jsonb_form,
       bool_and(mlpipe_predict_proba(u.model_id, i) = mlpipe_predict_proba(u.model_id, v)) AS view_form
FROM nb_runs u, nb_iris i JOIN nb_iris_v v USING (rn)
WHERE u.dataset = 'iris' AND u.scaling = 'standard';
-- stored metrics: rows per split and class, and the JSON
SELECT metric, class IS NOT NULL AS per_class, count(*)
FROM mlpipe.metrics WHERE model_id = (SELECT model_id FROM nb_runs WHERE dataset = 'iris' AND scaling = 'standard')
GROUP BY 1, 2 ORDER BY 1, 2;
SELECT class, metric, value FROM mlpipe.metrics
WHERE model_id = (SELECT model_id FROM nb_runs WHERE dataset = 'iris' AND scaling = 'standard')
  AND metric LIKE 'confusion:%' ORDER BY class, metric;
-- the stored accuracy is the share of rows whose class is predicted right
SELECT abs((SELECT value FROM mlpipe.metrics m WHERE m.model_id = u.model_id AND m.split = 'train'
            AND m.metric = 'accuracy' AND m.class IS NULL) -
           avg((mlpipe_predict_class(u.model_id, i) = i.species)::int)) < 1e-12 AS accuracy
FROM nb_runs u, nb_iris i WHERE u.dataset = 'iris' AND u.scaling = 'standard' GROUP BY u.model_id;
-- evaluate: the same metrics on any labelled source
SELECT e.metric, e.class, abs(e.value - m.value) <= 1e-12 AS same_as_train
FROM nb_runs u CROSS JOIN LATERAL mlpipe_evaluate(u.model_id, 'nb_iris') e
JOIN mlpipe.metrics m ON m.split = 'train' AND m.metric = e.metric AND m.class IS NOT DISTINCT FROM e.class
WHERE u.dataset = 'iris' AND u.scaling = 'standard' AND m.model_id = u.model_id
  AND e.metric IN ('accuracy', 'f1', 'log_loss', 'mcc') AND e.class IS NULL
ORDER BY 1;
-- two classes: ROC AUC and average precision too; the threshold picks the class
SELECT metric, round(value::numeric, 4) AS value FROM mlpipe.metrics
WHERE model_id = (SELECT model_id FROM nb_runs WHERE dataset = 'breast_cancer' AND scaling = 'standard')
  AND class IS NULL ORDER BY metric;
SELECT count(*) FILTER (WHERE mlpipe_predict_class(u.model_id, b) = 'malignant') AS at_default,
       count(*) FILTER (WHERE mlpipe_predict_class(u.model_id, b, threshold => 0.999) = 'malignant') AS at_0_999
FROM nb_runs u, nb_bc b WHERE u.dataset = 'breast_cancer' AND u.scaling = 'standard';

-- boolean and integer labels: mlpipe_predict gives the class as a number
CREATE TABLE nb_bool AS SELECT petal_length, petal_width, species = 'setosa' AS is_setosa,
       (CASE species WHEN 'setosa' THEN 10 WHEN 'versicolor' THEN 20 ELSE 30 END) AS code FROM nb_iris;
SELECT algorithm, task FROM mlpipe_train('nb_b', 'SELECT petal_length, petal_width, is_setosa FROM nb_bool', 'is_setosa', test_size => 0);
SELECT mlpipe_classes('nb_b'), mlpipe_predict('nb_b', '{"petal_length": 1.4, "petal_width": 0.2}'::jsonb) AS setosa,
       mlpipe_predict('nb_b', '{"petal_length": 5, "petal_width": 2}'::jsonb) AS not_setosa;
SELECT algorithm, task FROM mlpipe_train('nb_i', 'SELECT petal_length, petal_width, code FROM nb_bool', 'code',
                                         task => 'classification', test_size => 0);
SELECT mlpipe_classes('nb_i'), mlpipe_predict('nb_i', '{"petal_length": 5, "petal_width": 2}'::jsonb) AS predicted_code;
-- an integer target without a task is still regression
SELECT algorithm, task FROM mlpipe_train('nb_reg', 'SELECT petal_length, petal_width, code FROM nb_bool', 'code', test_size => 0);

-- errors
SELECT mlpipe_predict('nb_iris_standard', i) FROM nb_iris i LIMIT 1;
SELECT mlpipe_predict_proba('nb_reg', '{"petal_length": 5, "petal_width": 2}'::jsonb);
SELECT mlpipe_classes('nb_reg');
SELECT mlpipe_coefficients('nb_iris_standard');
SELECT mlpipe_predict_class('nb_iris_standard', i, threshold => 1.5) FROM nb_iris i LIMIT 1;
SELECT mlpipe_train('nb_bad', 'SELECT petal_length, ''x''::text AS k FROM nb_iris', 'k');
SELECT mlpipe_train('nb_bad', 'SELECT petal_length, CASE WHEN rn % 10 = 0 THEN NULL ELSE species END AS species FROM nb_iris', 'species');
SELECT mlpipe_train('nb_bad', 'SELECT petal_length, species FROM nb_iris', 'species', 'ridge');
SELECT mlpipe_train('nb_bad', 'SELECT petal_length, petal_width, code FROM nb_bool', 'code', 'naive_bayes', task => 'regression');
SELECT mlpipe_train('nb_bad', 'SELECT petal_length, species FROM nb_iris', 'species', hyperparams => '{"var_smoothing": -1}');
SELECT count(*) AS nothing_stored FROM mlpipe.projects WHERE name = 'nb_bad';
SELECT * FROM mlpipe_evaluate('nb_iris_standard', $$SELECT sepal_length, sepal_width, petal_length, petal_width, 'daisy'::text AS species FROM nb_iris$$);

-- labels: numbers by value (1 and 1.0 are one class), text by its bytes
CREATE TABLE nb_label_runs AS
SELECT 'numbers' AS kind, model_id FROM mlpipe_train('nb_num', $$SELECT petal_length,
    (CASE WHEN rn % 2 = 0 THEN 1.0 ELSE 1 END + (species = 'virginica')::int)::numeric AS c FROM nb_iris$$,
    'c', task => 'classification', test_size => 0)
UNION ALL
SELECT 'text', model_id FROM mlpipe_train('nb_txt', $$SELECT petal_length,
    CASE species WHEN 'setosa' THEN '10' WHEN 'versicolor' THEN '9' ELSE '2' END AS c FROM nb_iris$$,
    'c', test_size => 0);
SELECT kind, mlpipe_classes(model_id) FROM nb_label_runs ORDER BY 1;
CREATE DOMAIN nb_flag AS boolean;
SELECT deployed FROM mlpipe_train('nb_dom', 'SELECT petal_length, (species = ''setosa'')::nb_flag AS f FROM nb_iris', 'f', test_size => 0);
SELECT mlpipe_predict('nb_dom', '{"petal_length": 1.4}'::jsonb) AS flag_as_number;
SELECT mlpipe_train('nb_bad', 'SELECT petal_length, CASE WHEN rn = 3 THEN ''NaN''::float8 ELSE rn % 2 END AS c FROM nb_iris',
                    'c', task => 'classification');
-- macro averages over the labels present in the split: an order split whose
-- test rows are all virginica
SELECT deployed FROM mlpipe_train('nb_order', 'SELECT rn, petal_length, petal_width, species FROM nb_iris', 'species',
                                  split => 'order:rn', test_size => 0.2);
SELECT abs((SELECT value FROM mlpipe.metrics m WHERE m.model_id = p.live_model_id AND m.split = 'test'
              AND m.metric = 'f1' AND m.class IS NULL) -
           (SELECT mlpipe_f1(mlpipe_confusion(i.species, mlpipe_predict_class(p.live_model_id, i)))
            FROM nb_iris i WHERE i.rn > 120)) < 1e-12 AS f1_as_sklearn
FROM mlpipe_projects p WHERE p.project = 'nb_order';
-- a stratified split of text labels, reproduced by mlpipe_split
SELECT deployed FROM mlpipe_train('nb_strat', 'nb_iris', 'species', split => 'stratified', exclude => ARRAY['rn'], seed => 3);
SELECT n_train, n_test FROM mlpipe.models WHERE id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'nb_strat');
SELECT * FROM mlpipe_split('nb_iris', 'nb_iris_train', 'nb_iris_test', 0.25, 'stratified:species', 3);
SELECT species, count(*) FROM nb_iris_test GROUP BY 1 ORDER BY 1;
-- steps that score features against the target are refused for a classifier
SELECT mlpipe_train('nb_bad', 'nb_iris', 'species', preprocess => '{"select": {"method": "f_test", "k": 2}}');
SELECT mlpipe_train('nb_bad', 'SELECT petal_length, (rn % 3)::text AS g, species FROM nb_iris', 'species',
                    preprocess => '{"g": {"encode": "target"}}');
SELECT mlpipe_train('nb_bad', 'SELECT petal_length, CASE WHEN rn = 7 THEN NULL ELSE species END AS species FROM nb_iris', 'species',
                    split => 'stratified');
