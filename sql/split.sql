-- Splits: random (every column hashed), hash:<key> (stable per key across
-- retrains), order:<column> (the latest rows are the test set), and
-- mlpipe_split / mlpipe_split_test, which reproduce a training's holdout.
CREATE TABLE events AS
SELECT i AS id, DATE '2024-01-01' + i AS day, (i % 13)::float8 AS a,
       sin(i)::float8 AS b, 2 * (i % 13) - 3 * sin(i) + (i % 7) * 0.1 AS y
FROM generate_series(1, 400) i;

-- the test rows of a training are exactly the rows mlpipe_split_test marks
SELECT deployed FROM mlpipe_train('sp_random', 'events', 'y', exclude => ARRAY['id', 'day']);
SELECT n_test = (SELECT count(*) FROM events e WHERE mlpipe_split_test(e, 0.25, 'random', 42)) AS random_same,
       features, spec ->> 'split' AS split
FROM mlpipe.models WHERE id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'sp_random');

-- hash:<key>: the key column is not a feature, and a key keeps its side
SELECT deployed FROM mlpipe_train('sp_hash', 'events', 'y', split => 'hash:id', exclude => ARRAY['day']);
SELECT features, spec ->> 'split' AS split FROM mlpipe.models
WHERE id = (SELECT live_model_id FROM mlpipe_projects WHERE project = 'sp_hash');
SELECT n_test = (SELECT count(*) FROM events e WHERE mlpipe_split_test(e, 0.25, 'hash:id', 42)) AS hash_same
FROM mlpipe_models WHERE project = 'sp_hash';
CREATE TABLE before AS SELECT id FROM events e WHERE mlpipe_split_test(e, 0.25, 'hash:id', 42);
CREATE TABLE before_rnd AS SELECT id FROM events e WHERE mlpipe_split_test(e, 0.25, 'random', 42);
UPDATE events SET a = a + 1, y = y + 2 WHERE id % 5 = 0;
INSERT INTO events SELECT i, DATE '2024-01-01' + i, (i % 13)::float8, sin(i), 2 * (i % 13) - 3 * sin(i)
FROM generate_series(401, 500) i;
SELECT count(*) AS moved FROM events e
WHERE e.id <= 400 AND mlpipe_split_test(e, 0.25, 'hash:id', 42) <> (e.id IN (SELECT id FROM before));
-- under a random split, updated rows may move (every column is hashed),
-- untouched ones never do
SELECT e.id % 5 = 0 AS updated, count(*) AS moved FROM events e
WHERE e.id <= 400 AND mlpipe_split_test(e, 0.25, 'random', 42) <> (e.id IN (SELECT id FROM before_rnd))
GROUP BY 1 ORDER BY 1;

-- order:<column>: the latest ceil(0.25 * 500) = 125 days are the test set
SELECT deployed FROM mlpipe_train('sp_order', 'events', 'y', split => 'order:day', exclude => ARRAY['id']);
SELECT features, n_train, n_test FROM mlpipe_models WHERE project = 'sp_order';
SELECT * FROM mlpipe_split('events', 'ev_train', 'ev_test', split => 'order:day');
SELECT (SELECT max(day) FROM ev_train) < (SELECT min(day) FROM ev_test) AS test_is_latest;
-- ties at the cut go to the test side together
SELECT * FROM mlpipe_split($$SELECT (i / 10) AS t, i::float8 AS x FROM generate_series(1, 100) i$$,
                           'tie_train', 'tie_test', test_size => 0.25, split => 'order:t');

-- mlpipe_split with a random or hash split gives the training's tables
SELECT * FROM mlpipe_split('events', 'rnd_train', 'rnd_test', seed => 7);
SELECT (SELECT count(*) FROM events e WHERE mlpipe_split_test(e, 0.25, 'random', 7)) = (SELECT count(*) FROM rnd_test) AS same;
SELECT * FROM mlpipe_split('SELECT id, y FROM events', 'h_train', 'h_test', test_size => 0.5, split => 'hash:id');

-- mlpipe_split reads and writes with the caller's search_path
CREATE SCHEMA sp2;
CREATE TABLE sp2.events AS SELECT * FROM events WHERE id <= 40;
SET search_path = sp2, public;
SELECT * FROM mlpipe_split('events', 'sp2_train', 'sp2_test', test_size => 0.5, split => 'hash:id');
SELECT count(*) AS in_sp2 FROM pg_tables WHERE schemaname = 'sp2' AND tablename IN ('sp2_train', 'sp2_test');
RESET search_path;

-- errors
SELECT mlpipe_train('sp_bad', 'events', 'y', split => 'shuffle');
SELECT mlpipe_train('sp_bad', 'events', 'y', split => 'hash:');
SELECT mlpipe_train('sp_bad', 'events', 'y', split => 'hash:nope', exclude => ARRAY['day']);
SELECT mlpipe_train('sp_bad', 'events', 'y', split => 'order:nope', exclude => ARRAY['day']);
SELECT mlpipe_train('sp_bad', 'SELECT a, b, y, ''x''::text AS tag FROM events', 'y', split => 'order:tag', exclude => ARRAY['tag']);
SELECT mlpipe_train('sp_bad', 'SELECT a, y, NULLIF(day, DATE ''2024-01-05'') AS day FROM events', 'y', split => 'order:day');
SELECT mlpipe_train('sp_bad', 'SELECT a, y, CASE WHEN id = 9 THEN ''NaN'' ELSE b END AS o FROM events', 'y', split => 'order:o');
SELECT mlpipe_split_test(e, 0.25, 'order:day', 42) FROM events e LIMIT 1;
SELECT mlpipe_split('events', 'x_train', 'x_test', test_size => 1);
SELECT count(*) AS none_stored FROM mlpipe.projects WHERE name = 'sp_bad';

-- stratified: in each class of the target, round(test_size * n) rows with
-- the lowest keys go to the test split; mlpipe_split reproduces it
CREATE TABLE strat AS
SELECT g AS id, sin(g) AS a, cos(g * 0.7) AS b,
       CASE WHEN g % 10 < 6 THEN 0 WHEN g % 10 < 9 THEN 1 ELSE 2 END::float8 AS y
FROM generate_series(1, 203) g;
SELECT y, count(*) FROM strat GROUP BY 1 ORDER BY 1;
CREATE TABLE strat_run AS
SELECT * FROM mlpipe_train('strat', 'strat', 'y', 'ridge', split => 'stratified', seed => 5, exclude => ARRAY['id']);
SELECT n_train, n_test, spec ->> 'split' AS split FROM mlpipe.models WHERE id = (SELECT model_id FROM strat_run);
SELECT * FROM mlpipe_split('strat', 'strat_train', 'strat_test', 0.25, 'stratified:y', 5);
SELECT y, count(*) AS test_rows, round(0.25 * (SELECT count(*) FROM strat s WHERE s.y = t.y)) AS expected
FROM strat_test t GROUP BY y ORDER BY y;
-- the same training rows: the model refitted on mlpipe_split's training table is the same
SELECT deployed FROM mlpipe_train('strat_again', 'strat_train', 'y', 'ridge', test_size => 0, exclude => ARRAY['id']);
SELECT bool_and(abs(a.coefficient - b.coefficient) <= 1e-12 * greatest(abs(b.coefficient), 1)) AS same_model
FROM mlpipe_coefficients('strat') a JOIN mlpipe_coefficients('strat_again') b USING (feature);
-- the keys are the random split's: independent of row order and of features
SELECT count(DISTINCT mlpipe_split_key(s, 5)) = count(*) AS distinct_keys FROM strat s;
SELECT mlpipe_split_test(s, 0.25, 'stratified', 5) FROM strat s LIMIT 1;
SELECT * FROM mlpipe_split('strat', 'strat_x', 'strat_y', 0.25, 'stratified', 5);
SELECT mlpipe_train('strat_bad', 'SELECT a, b, a + b AS y FROM strat', 'y', split => 'stratified');
-- a source column named like the row alias does not confuse mlpipe_split
CREATE TABLE strat_s AS SELECT a AS s, b, y FROM strat;
SELECT * FROM mlpipe_split('strat_s', 'strat_s_train', 'strat_s_test', 0.25, 'stratified:y', 5);
SELECT * FROM mlpipe_split('strat_s', 'strat_s_train2', 'strat_s_test2', 0.25, 'random', 5);
SELECT * FROM mlpipe_split('SELECT a, b, a + b AS y FROM strat', 'strat_x', 'strat_y', 0.25, 'stratified:y', 5);
CREATE TABLE strat_alias AS SELECT a AS mlpipe_split_row, b, y FROM strat;
SELECT * FROM mlpipe_split('strat_alias', 'strat_alias_train', 'strat_alias_test', 0.25, 'stratified:y', 5);
SELECT * FROM mlpipe_split('strat_alias', 'strat_alias_train2', 'strat_alias_test2', 0.25, 'random', 5);
