-- naive_bayes with encoded text columns: Gaussian for the numbers,
-- categorical (CategoricalNB, smoothing alpha) for each one-hot group;
-- probabilities against scikit-learn's GaussianNB + CategoricalNB joint
-- log likelihoods (test/reference/make_cnb_reference.py).
SELECT mlpipe_load_dataset('iris', 'cnb_raw');
CREATE TABLE cnb AS
SELECT row_number() OVER () AS rn, petal_length, petal_width,
       CASE WHEN sepal_width > 3.2 THEN 'wide' WHEN sepal_width > 2.8 THEN 'mid' ELSE 'narrow' END AS cat1,
       CASE WHEN sepal_length > 6.0 THEN 'long' ELSE 'short' END AS cat2, species
FROM cnb_raw;
CREATE TABLE cnbref (ref_case text, rn bigint, class text, proba float8);
\copy cnbref FROM 'test/reference/cnb_proba.csv' WITH (FORMAT csv, HEADER)

CREATE TABLE cnb_runs AS
SELECT v.ref_case, t.model_id
FROM (VALUES ('a1', '{}'::jsonb), ('a05', '{"alpha": 0.5}')) AS v(ref_case, hp),
LATERAL mlpipe_train('cnb_' || v.ref_case, 'cnb', 'species', 'naive_bayes', hyperparams => v.hp,
                     exclude => ARRAY['rn'], test_size => 0,
                     preprocess => '{"*": {"scale": "none"}}') t;
SELECT m.features, m.hyperparams FROM mlpipe.models m JOIN cnb_runs u ON u.model_id = m.id ORDER BY u.ref_case;

-- every row's probability of every class agrees to 1e-9
SELECT u.ref_case, count(*) AS probabilities, max(abs(p.proba - r.proba)) < 1e-9 AS agree
FROM cnb_runs u
JOIN LATERAL (SELECT c.rn, unnest(mlpipe_classes(u.model_id)) AS class,
                     unnest(mlpipe_predict_proba(u.model_id, c)) AS proba FROM cnb c) p ON true
JOIN cnbref r ON r.ref_case = u.ref_case AND r.rn = p.rn AND r.class = p.class
GROUP BY 1 ORDER BY 1;
-- a value the model never saw adds nothing from its column
SELECT max(abs(p.proba - r.proba)) < 1e-9 AS unseen_agrees
FROM cnb_runs u,
     LATERAL (SELECT unnest(mlpipe_classes(u.model_id)) AS class,
                     unnest(mlpipe_predict_proba(u.model_id,
                         jsonb_build_object('petal_length', c.petal_length, 'petal_width', c.petal_width,
                                            'cat1', 'enormous', 'cat2', c.cat2))) AS proba
              FROM cnb c WHERE c.rn = 1) p
JOIN cnbref r ON r.ref_case = 'unseen' AND r.class = p.class
WHERE u.ref_case = 'a1';
-- the row form, the jsonb form and evaluate agree with training
SELECT bool_and(mlpipe_predict_class('cnb_a1', c) = mlpipe_predict_class('cnb_a1', to_jsonb(c) - 'species' - 'rn'))
           AS jsonb_form,
       (SELECT abs(e.value - m.value) < 1e-12 FROM mlpipe_evaluate('cnb_a1', 'cnb') e
        JOIN mlpipe.metrics m ON m.model_id = (SELECT model_id FROM cnb_runs WHERE ref_case = 'a1')
             AND m.split = 'train' AND m.metric = e.metric AND m.class IS NULL
        WHERE e.metric = 'log_loss' AND e.class IS NULL) AS evaluate_log_loss
FROM cnb c;
-- standardising the numbers leaves the categorical part alone
CREATE TABLE cnb_std AS
SELECT model_id FROM mlpipe_train('cnb_std', 'cnb', 'species', 'naive_bayes', exclude => ARRAY['rn'], test_size => 0);
SELECT max(abs(a - b)) < 1e-6 AS scaled_close
FROM cnb c, cnb_std t,
     LATERAL unnest(mlpipe_predict_proba('cnb_a1', c), mlpipe_predict_proba(t.model_id, c)) u(a, b);
-- alpha must be positive
SELECT mlpipe_train('cnb_bad', 'cnb', 'species', 'naive_bayes', hyperparams => '{"alpha": 0}');
