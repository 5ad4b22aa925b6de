-- mlpipe demo: a table goes in, models are trained, evaluated, deployed and
-- used to score rows inside queries.  Run by `make demo`.
\pset footer off
\echo '== 1. install the extension'
CREATE EXTENSION mlpipe;

\echo '== 2. load a data set: diabetes (442 patients, 10 measurements, disease progression after one year)'
SELECT mlpipe_load_dataset('diabetes') AS rows_loaded;
SELECT column_name, count, round(mean::numeric, 2) AS mean, round(stddev::numeric, 2) AS stddev,
       min, median, max FROM mlpipe_describe('diabetes');
SELECT count(*) AS patients, round(avg(progression)::numeric, 1) AS mean_progression FROM diabetes;

\echo '== 3. train: one statement per model; 25% of rows are held out for testing'
SELECT model_id, version, algorithm, round((metrics #>> '{test,r2}')::numeric, 4) AS test_r2, deployed
FROM mlpipe_train('diabetes', 'diabetes', 'progression');
SELECT model_id, version, algorithm, round((metrics #>> '{test,r2}')::numeric, 4) AS test_r2, deployed
FROM mlpipe_train('diabetes', 'diabetes', 'progression', 'ridge', hyperparams => '{"alpha": 10}');
SELECT model_id, version, algorithm, round((metrics #>> '{test,r2}')::numeric, 4) AS test_r2, deployed
FROM mlpipe_train('diabetes', 'diabetes', 'progression', 'lasso', hyperparams => '{"alpha": 0.5}');

\echo '== 4. evaluate: metrics are rows in mlpipe.metrics'
SELECT m.version, m.algorithm, x.split, x.metric, round(x.value::numeric, 4) AS value
FROM mlpipe.metrics x JOIN mlpipe.models m ON m.id = x.model_id
WHERE x.split = 'test' ORDER BY x.metric, m.version;

\echo '== 5. deploy: the best model by test r2 goes live'
SELECT mlpipe_deploy('diabetes', strategy => 'best') AS live_model_id;
SELECT project, version, algorithm, round(test_r2::numeric, 4) AS test_r2, live FROM mlpipe_models ORDER BY version;

\echo '== 6. inspect: coefficients on the original scale'
SELECT feature, round(coefficient::numeric, 4) AS coefficient FROM mlpipe_coefficients('diabetes');

\echo '== 7. score inside queries: a whole row, a jsonb object, a view'
SELECT age, bmi, progression, round(mlpipe_predict('diabetes', d)::numeric, 1) AS predicted
FROM diabetes d LIMIT 5;
SELECT round(mlpipe_predict('diabetes', '{"age": 50, "sex": 1, "bmi": 32, "bp": 100, "s1": 200, "s2": 120, "s3": 45, "s4": 4, "s5": 5.0, "s6": 95}'::jsonb)::numeric, 1) AS new_patient;
CREATE VIEW diabetes_scored AS
SELECT d.*, mlpipe_predict('diabetes', d) AS predicted FROM diabetes d;
SELECT sex, count(*) AS patients,
       round(mlpipe_rmse(progression, predicted)::numeric, 2) AS rmse,
       round(mlpipe_r2(progression, predicted)::numeric, 4) AS r2
FROM diabetes_scored GROUP BY sex ORDER BY sex;

\echo '== 8. text columns and preprocessing: iris species is one-hot encoded, numbers are standardised'
SELECT mlpipe_load_dataset('iris') AS rows_loaded;
SELECT model_id, algorithm, round((metrics #>> '{test,r2}')::numeric, 4) AS test_r2
FROM mlpipe_train('iris_sepal', 'SELECT sepal_length, petal_length, petal_width, species FROM iris',
                  'sepal_length', 'ridge', preprocess => '{"*": {"scale": "standard"}}');
SELECT feature, round(coefficient::numeric, 4) AS coefficient FROM mlpipe_coefficients('iris_sepal');
SELECT round(mlpipe_predict('iris_sepal', '{"petal_length": 1.4, "petal_width": 0.2, "species": "setosa"}'::jsonb)::numeric, 2) AS setosa,
       round(mlpipe_predict('iris_sepal', '{"petal_length": 5.5, "petal_width": 2.0, "species": "virginica"}'::jsonb)::numeric, 2) AS virginica;

\echo '== 9. classification: species from the measurements (naive_bayes, chosen by the text target)'
SELECT model_id, algorithm, task, round((metrics #>> '{test,accuracy}')::numeric, 4) AS test_accuracy
FROM mlpipe_train('iris_species', 'iris', 'species');
SELECT mlpipe_classes('iris_species');
SELECT mlpipe_predict_class('iris_species', '{"sepal_length": 6.1, "sepal_width": 2.8, "petal_length": 4.7, "petal_width": 1.2}'::jsonb) AS class,
       mlpipe_predict_proba('iris_species', '{"sepal_length": 6.1, "sepal_width": 2.8, "petal_length": 4.7, "petal_width": 1.2}'::jsonb) AS proba;
SELECT mlpipe_confusion_matrix(species, mlpipe_predict_class('iris_species', i)) AS confusion FROM iris i;

\echo '== 10. pick a classifier by 5-fold cross-validated accuracy on breast_cancer (stratified folds, no reload)'
SELECT mlpipe_load_dataset('breast_cancer') AS rows_loaded;
SELECT algorithm, round((metrics #>> '{cv,mean,accuracy}')::numeric, 4) AS cv_accuracy,
       round((metrics #>> '{cv,std,accuracy}')::numeric, 4) AS cv_std,
       round((metrics #>> '{test,accuracy}')::numeric, 4) AS test_accuracy
FROM unnest(ARRAY['naive_bayes', 'logistic_regression', 'linear_svm']) a,
     LATERAL mlpipe_train('cancer_' || a, 'breast_cancer', 'diagnosis', a, cv_folds => 5) t
ORDER BY cv_accuracy DESC;
