-- Training over a table in parallel: the leader and its workers each load
-- a share of the table and keep it; the answer equals the serial one (the
-- split is decided by each row's own hash; partial results merge exactly).
CREATE TABLE wide AS
SELECT i, (i % 101)::float8 AS a, sin(i)::float8 AS b, ((i * 7919) % 1000)::float8 / 10 AS c,
       (i % 3 = 0) AS flag, (i % 17)::numeric(5,1) AS d,
       3 + 2 * (i % 101) - 5 * sin(i) + 0.25 * ((i * 7919) % 1000) / 10
         + 4 * (i % 3 = 0)::int - 0.5 * (i % 17) + ((i * 31337) % 97) / 97.0 AS y
FROM generate_series(1, 60000) i;
ANALYZE wide;

-- force the parallel path on this small table
\set SHOW_CONTEXT never
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
CREATE TABLE par (how text, model_id bigint, project text, version int,
                  algorithm text, task text, metrics jsonb, deployed boolean);
SET client_min_messages = debug1;
INSERT INTO par
SELECT 'par', * FROM mlpipe_train('par', 'wide', 'y', exclude => ARRAY['i'], seed => 3);
INSERT INTO par
SELECT 'par_ridge', * FROM mlpipe_train('par_ridge', 'wide', 'y', 'ridge',
                                        hyperparams => '{"alpha": 100}', exclude => ARRAY['i']);
RESET client_min_messages;
-- and the serial path (no workers) on the same data
SET max_parallel_workers_per_gather = 0;
INSERT INTO par
SELECT 'ser', * FROM mlpipe_train('ser', 'wide', 'y', exclude => ARRAY['i'], seed => 3);
INSERT INTO par
SELECT 'ser_ridge', * FROM mlpipe_train('ser_ridge', 'wide', 'y', 'ridge',
                                        hyperparams => '{"alpha": 100}', exclude => ARRAY['i']);
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;

-- same split sizes, same coefficients, same metrics (to rounding)
SELECT a.project, b.project, ma.n_train = mb.n_train AS same_train_rows,
       ma.n_test = mb.n_test AS same_test_rows
FROM par a JOIN par b ON b.how = replace(a.how, 'par', 'ser')
JOIN mlpipe.models ma ON ma.id = a.model_id JOIN mlpipe.models mb ON mb.id = b.model_id
WHERE a.how LIKE 'par%' ORDER BY 1;
SELECT x.feature, abs(x.coefficient - y.coefficient) <= 1e-9 * abs(y.coefficient) AS same
FROM mlpipe_coefficients('par') x JOIN mlpipe_coefficients('ser') y USING (feature)
ORDER BY 1;
SELECT x.feature, abs(x.coefficient - y.coefficient) <= 1e-9 * abs(y.coefficient) AS same
FROM mlpipe_coefficients('par_ridge') x JOIN mlpipe_coefficients('ser_ridge') y USING (feature)
ORDER BY 1;
SELECT ma.split, ma.metric, abs(ma.value - mb.value) <= 1e-9 * abs(mb.value) AS same
FROM par a JOIN par b ON b.how = 'ser'
JOIN mlpipe.metrics ma ON ma.model_id = a.model_id
JOIN mlpipe.metrics mb ON mb.model_id = b.model_id AND mb.split = ma.split AND mb.metric = ma.metric
WHERE a.how = 'par' ORDER BY 1, 2;

-- a table with inheritance children is read through SELECT (which includes
-- the children), never scanned directly
CREATE TABLE inh_parent (x float8, y float8);
CREATE TABLE inh_child () INHERITS (inh_parent);
INSERT INTO inh_parent SELECT i, 2 * i + 1 + (i % 3) FROM generate_series(1, 100) i;
INSERT INTO inh_child SELECT i, 2 * i + 1 + (i % 3) FROM generate_series(101, 200) i;
SET min_parallel_table_scan_size = 0;
SELECT deployed FROM mlpipe_train('inh', 'inh_parent', 'y');
SELECT n_train + n_test AS rows_read FROM mlpipe_models WHERE project = 'inh';
RESET min_parallel_table_scan_size;

-- errors found by a worker reach the caller, and nothing is stored
UPDATE wide SET d = NULL WHERE i % 1000 = 0;
SET min_parallel_table_scan_size = 0;
SELECT model_id FROM mlpipe_train('par_null', 'wide', 'y', exclude => ARRAY['i'], preprocess => '{"*": {"impute": "error"}}');
UPDATE wide SET d = 'NaN' WHERE i = 59999;
SELECT model_id FROM mlpipe_train('par_nan', 'wide', 'y', exclude => ARRAY['i', 'flag']);
SELECT model_id FROM mlpipe_train('par_const', 'SELECT * FROM wide', 'y', features => ARRAY['missing']);
SELECT count(*) AS stored FROM mlpipe.projects WHERE name LIKE 'par\_%' AND name <> 'par_ridge';
-- the memory budget is shared by all participants (terse: how far past the
-- limit a process was when it noticed depends on timing)
SET mlpipe.max_memory = '1MB';
\set VERBOSITY terse
SELECT model_id FROM mlpipe_train('par_mem', 'wide', 'y', exclude => ARRAY['i', 'd']);
\set VERBOSITY default
RESET mlpipe.max_memory;
RESET min_parallel_table_scan_size;
