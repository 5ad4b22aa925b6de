-- logistic_regression: binary and multinomial, penalties l2, l1,
-- elastic_net and none, balanced class weights; coefficients on the
-- original scale against scikit-learn and statsmodels
-- (test/reference/make_logistic_reference.py), probabilities, the
-- stored metrics and the errors.
SELECT mlpipe_load_dataset('iris', 'lr_iris');
SELECT mlpipe_load_dataset('breast_cancer', 'lr_bc');
CREATE TABLE lrref (ref_case text, class text, name text, value float8);
\copy lrref FROM 'test/reference/logistic_coef.csv' WITH (FORMAT csv, HEADER)

CREATE TABLE lr_runs AS
SELECT v.ref_case, t.model_id, t.algorithm, t.task
FROM (VALUES ('bc', 'lr_bc', 'diagnosis', '{}'::jsonb),
             ('bc_bal', 'lr_bc', 'diagnosis', '{"C": 0.5, "class_weight": "balanced"}'),
             ('bc_l1', 'lr_bc', 'diagnosis', '{"penalty": "l1", "C": 0.1}'),
             ('bc_en', 'lr_bc', 'diagnosis', '{"penalty": "elastic_net", "C": 0.2, "l1_ratio": 0.3}'),
             ('iris', 'lr_iris', 'species', '{}'))
     AS v(ref_case, src, target, hp),
LATERAL mlpipe_train('lr_' || v.ref_case, v.src, v.target, algorithm => 'logistic_regression',
                     hyperparams => v.hp, test_size => 0) t;
CREATE TABLE lr_logit AS
SELECT model_id FROM mlpipe_train('lr_logit',
    'SELECT petal_length, petal_width, species FROM lr_iris WHERE species <> ''setosa''',
    'species', algorithm => 'logistic_regression', hyperparams => '{"penalty": "none"}', test_size => 0);

-- every coefficient, intercepts included, per class: scikit-learn to 1e-4
-- relative to the coefficient's size (at least 1), statsmodels to 1e-5
SELECT u.ref_case, count(*) AS coefficients,
       count(*) FILTER (WHERE c.coefficient = 0) AS zeros,
       count(*) FILTER (WHERE r.value = 0) AS ref_zeros,
       max(abs(c.coefficient - r.value) / greatest(abs(r.value), 1)) < 1e-4 AS agree
FROM lr_runs u, mlpipe_coefficients(u.model_id) c
JOIN lrref r ON r.name = c.feature AND r.class = c.class
WHERE r.ref_case = u.ref_case
GROUP BY 1 ORDER BY 1;
SELECT c.feature, c.class, abs(c.coefficient - r.value) < 1e-5 AS agree_1e5
FROM lr_logit u, mlpipe_coefficients(u.model_id) c
JOIN lrref r ON r.ref_case = 'logit' AND r.name = c.feature AND r.class = c.class
ORDER BY 1;
-- the L1 fit's zeros are scikit-learn's zeros
SELECT count(*) AS disagreeing_zeros
FROM lr_runs u, mlpipe_coefficients(u.model_id) c
JOIN lrref r ON r.name = c.feature AND r.class = c.class
WHERE u.ref_case IN ('bc_l1', 'bc_en') AND r.ref_case = u.ref_case
  AND (c.coefficient = 0) <> (abs(r.value) < 1e-12);

-- probabilities of the first five rows, in the order of mlpipe_classes
SELECT u.ref_case, count(*) AS probabilities, max(abs(p.proba - r.value)) < 1e-6 AS agree
FROM lr_runs u
JOIN LATERAL (SELECT i.rn, unnest(mlpipe_classes(u.model_id)) AS class,
                     unnest(mlpipe_predict_proba(u.model_id, i)) AS proba
              FROM (SELECT row_number() OVER () AS rn, * FROM lr_iris) i
              WHERE u.ref_case = 'iris' AND i.rn <= 5
              UNION ALL
              SELECT b.rn, unnest(mlpipe_classes(u.model_id)), unnest(mlpipe_predict_proba(u.model_id, b))
              FROM (SELECT row_number() OVER () AS rn, * FROM lr_bc) b
              WHERE u.ref_case = 'bc' AND b.rn <= 5) p ON true
JOIN lrref r ON r.ref_case = u.ref_case AND r.name = 'proba_row' || p.rn AND r.class = p.class
GROUP BY 1 ORDER BY 1;

-- the class is the most probable; threshold moves the binary decision
SELECT bool_and(mlpipe_predict_class(u.model_id, b) =
                CASE WHEN (mlpipe_predict_proba(u.model_id, b))[2] > 0.5 THEN 'malignant' ELSE 'benign' END) AS argmax,
       count(*) FILTER (WHERE mlpipe_predict_class(u.model_id, b, threshold => 0.9) = 'malignant') <=
       count(*) FILTER (WHERE mlpipe_predict_class(u.model_id, b) = 'malignant') AS threshold_fewer
FROM lr_runs u, lr_bc b WHERE u.ref_case = 'bc';
-- stored metrics: the accuracy is the share predicted right
SELECT u.ref_case,
       abs((SELECT value FROM mlpipe.metrics m WHERE m.model_id = u.model_id AND m.split = 'train'
            AND m.metric = 'accuracy' AND m.class IS NULL) -
           avg((mlpipe_predict_class(u.model_id, i) = i.species)::int)) < 1e-12 AS accuracy
FROM lr_runs u, lr_iris i WHERE u.ref_case = 'iris' GROUP BY u.ref_case, u.model_id;
-- the resolved hyperparameters, choices as strings
SELECT p.name, m.hyperparams FROM mlpipe.models m JOIN mlpipe.projects p ON p.id = m.project_id
WHERE p.name IN ('lr_bc', 'lr_bc_en') ORDER BY 1;

-- errors
SELECT mlpipe_train('lr_bad', 'lr_bc', 'diagnosis', algorithm => 'logistic_regression',
                    hyperparams => '{"penalty": "l3"}');
SELECT mlpipe_train('lr_bad', 'lr_bc', 'diagnosis', algorithm => 'logistic_regression',
                    hyperparams => '{"penalty": 2}');
SELECT mlpipe_train('lr_bad', 'lr_bc', 'diagnosis', algorithm => 'logistic_regression',
                    hyperparams => '{"C": 0}');
SELECT mlpipe_train('lr_bad', 'lr_bc', 'diagnosis', algorithm => 'logistic_regression',
                    hyperparams => '{"l1_ratio": 1.5}');
SELECT mlpipe_train('lr_bad', 'lr_bc', 'diagnosis', algorithm => 'logistic_regression',
                    hyperparams => '{"class_weight": "even"}');
-- numeric class labels must be whole numbers
SELECT mlpipe_train('lr_bad', 'lr_iris', 'petal_width', algorithm => 'logistic_regression');
-- one class only
SELECT mlpipe_train('lr_bad', 'SELECT * FROM lr_bc WHERE diagnosis = ''benign''', 'diagnosis',
                    algorithm => 'logistic_regression');
-- too few iterations warn
SELECT (mlpipe_train('lr_short', 'lr_bc', 'diagnosis', algorithm => 'logistic_regression',
                     hyperparams => '{"max_iter": 2}', test_size => 0)).algorithm;
