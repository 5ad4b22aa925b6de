-- A damaged or truncated model is an ERROR with SQLSTATE XX001
-- (data_corrupted), never a crash.  Every single-byte change and every
-- truncation of a stored model is tried.
CREATE TABLE c AS
SELECT i::float8 AS a, (i % 5)::float8 AS b, 3 * i + (i % 5) + 1.0::float8 AS y
FROM generate_series(1, 30) i;
SELECT deployed FROM mlpipe_train('corrupt', 'c', 'y', test_size => 0);
CREATE TABLE good AS
SELECT m.id, m.model FROM mlpipe.models m JOIN mlpipe.projects p ON p.id = m.project_id
WHERE p.name = 'corrupt';
-- magic "MLPM", then format version 1 (little-endian u16)
SELECT substr(model, 1, 6) AS header FROM good;
SELECT round(mlpipe_predict('corrupt', ARRAY[10, 2]::float8[])::numeric, 6) AS before;

-- store m as the model, score with it, and report the SQLSTATE
CREATE FUNCTION pg_temp.score_with(m bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    UPDATE mlpipe.models SET model = m WHERE id = (SELECT id FROM good);
    PERFORM mlpipe_predict((SELECT id FROM good), ARRAY[10, 2]::float8[]);
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END $$;

-- every byte with its lowest bit flipped
SELECT pg_temp.score_with(set_byte(g.model, i, get_byte(g.model, i) # 1)) AS outcome,
       count(*) AS bytes
FROM good g, generate_series(0, length(g.model) - 1) i
GROUP BY 1 ORDER BY 1;
-- every byte replaced by its complement
SELECT pg_temp.score_with(set_byte(g.model, i, 255 - get_byte(g.model, i))) AS outcome,
       count(*) AS bytes
FROM good g, generate_series(0, length(g.model) - 1) i
GROUP BY 1 ORDER BY 1;
-- every truncation, from empty to one byte short
SELECT pg_temp.score_with(substr(g.model, 1, n)) AS outcome, count(*) AS lengths
FROM good g, generate_series(0, length(g.model) - 1) n
GROUP BY 1 ORDER BY 1;
-- bytes appended, and a model that is not ours at all
SELECT pg_temp.score_with(g.model || '\x00'::bytea) FROM good g;
SELECT pg_temp.score_with('\x4d4c504d'::bytea);
SELECT pg_temp.score_with(convert_to(repeat('garbage', 50), 'UTF8'));

-- the message names the problem
UPDATE mlpipe.models SET model = substr(model, 1, 20) WHERE id = (SELECT id FROM good);
SELECT mlpipe_predict('corrupt', ARRAY[10, 2]::float8[]);
SELECT * FROM mlpipe_coefficients('corrupt');
UPDATE mlpipe.models SET model = set_byte(model, 0, 0) WHERE id = (SELECT id FROM good);
SELECT mlpipe_predict('corrupt', ARRAY[10, 2]::float8[]);

-- the original bytes score again, with the same answer
UPDATE mlpipe.models m SET model = g.model FROM good g WHERE m.id = g.id;
SELECT round(mlpipe_predict('corrupt', ARRAY[10, 2]::float8[])::numeric, 6) AS after;
