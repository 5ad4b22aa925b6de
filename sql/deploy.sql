-- Deployment: the first model deploys itself, if_better compares test r2,
-- mlpipe_deploy picks best/latest/rollback or an exact model.
CREATE TABLE d AS
SELECT i, i::float8 AS a, ((i * 37) % 11)::float8 AS b, ((i * 13) % 7)::float8 AS c,
       2 * i + 5 * ((i * 37) % 11) - 3 * ((i * 13) % 7) + ((i * 101) % 17) * 0.1 AS y
FROM generate_series(1, 200) i;

-- v1: only a (worse); v2: a, b, c (better); v3: ridge with a huge penalty (worse)
CREATE TABLE runs AS
SELECT 1 AS run, * FROM mlpipe_train('dep', 'd', 'y', features => ARRAY['a']);
INSERT INTO runs
SELECT 2, * FROM mlpipe_train('dep', 'd', 'y', features => ARRAY['a', 'b', 'c']);
INSERT INTO runs
SELECT 3, * FROM mlpipe_train('dep', 'd', 'y', 'ridge', hyperparams => '{"alpha": 1e9}',
                              features => ARRAY['a', 'b', 'c']);
SELECT run, version, algorithm, deployed FROM runs ORDER BY run;
SELECT version, live FROM mlpipe_models WHERE project = 'dep' ORDER BY version;

-- always and never
INSERT INTO runs
SELECT 4, * FROM mlpipe_train('dep', 'd', 'y', features => ARRAY['a'], deploy => 'always');
INSERT INTO runs
SELECT 5, * FROM mlpipe_train('dep', 'd', 'y', features => ARRAY['a', 'b'], deploy => 'never');
SELECT run, version, deployed FROM runs WHERE run >= 4 ORDER BY run;
SELECT live_model_id = (SELECT model_id FROM runs WHERE run = 4) AS v4_live
FROM mlpipe_projects WHERE project = 'dep';

-- the project name scores with the live model; an id with that exact model
SELECT mlpipe_predict('dep', '{"a": 10}'::jsonb) =
       mlpipe_predict((SELECT model_id FROM runs WHERE run = 4), '{"a": 10}'::jsonb) AS live_is_v4;

-- strategies: best (test r2), latest, rollback, and a chosen model
SELECT mlpipe_deploy('dep') = (SELECT model_id FROM runs WHERE run = 2) AS best_is_v2;
SELECT mlpipe_deploy('dep', strategy => 'latest') = (SELECT model_id FROM runs WHERE run = 5) AS latest_is_v5;
SELECT mlpipe_deploy('dep', strategy => 'rollback') = (SELECT model_id FROM runs WHERE run = 2) AS rollback_to_v2;
SELECT mlpipe_deploy('dep', (SELECT model_id FROM runs WHERE run = 1)) = (SELECT model_id FROM runs WHERE run = 1) AS chose_v1;
SELECT mlpipe_predict('dep', '{"a": 10, "b": 1, "c": 1}'::jsonb) =
       mlpipe_predict((SELECT model_id FROM runs WHERE run = 1), '{"a": 10}'::jsonb) AS live_is_v1;

-- the history: newest row is the live model
SELECT r.run, d.strategy
FROM mlpipe.deployments d JOIN runs r ON r.model_id = d.model_id
WHERE d.project_id = (SELECT id FROM mlpipe.projects WHERE name = 'dep')
ORDER BY d.id;

-- a model of another project cannot be deployed here
SELECT model_id AS other FROM mlpipe_train('dep_other', 'd', 'y') \gset
DO $$
BEGIN
    PERFORM mlpipe_deploy('dep', (SELECT max(id) FROM mlpipe.models));
EXCEPTION WHEN undefined_object THEN
    RAISE NOTICE 'refused: %', regexp_replace(SQLERRM, '[0-9]+', 'N');
END $$;

-- deleting a project removes its models, metrics and deployments
DELETE FROM mlpipe.projects WHERE name = 'dep_other';
SELECT count(*) AS left_over FROM mlpipe.models WHERE id = :other;

-- a failed training inside a transaction leaves nothing; a rolled-back one neither
BEGIN;
SELECT version FROM mlpipe_train('dep_tx', 'd', 'y');
ROLLBACK;
SELECT count(*) AS rolled_back FROM mlpipe.projects WHERE name = 'dep_tx';
