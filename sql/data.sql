-- The shipped data sets, and profiling (in a schema of its own, so the
-- tables do not meet the other tests').
CREATE SCHEMA ds;
SET search_path = ds, public;
SELECT name, mlpipe_load_dataset(name) AS rows
FROM unnest(ARRAY['iris', 'wine', 'breast_cancer', 'diabetes', 'digits']) name;
SELECT count(*) AS columns, string_agg(DISTINCT data_type, ', ') AS types
FROM information_schema.columns WHERE table_name = 'breast_cancer';
SELECT species, count(*) FROM iris GROUP BY species ORDER BY species;
-- into a chosen table, also in another schema
CREATE SCHEMA other;
SELECT mlpipe_load_dataset('iris', 'other.flowers');
SELECT round(avg(petal_length)::numeric, 4) FROM other.flowers;
-- a temporary table of the same name does not capture the rows
CREATE TEMP TABLE wine_t (x int);
SELECT mlpipe_load_dataset('wine', 'wine_t');
SELECT (SELECT count(*) FROM pg_temp.wine_t) AS temp_rows, (SELECT count(*) FROM ds.wine_t) AS new_rows;
-- errors: unknown name, existing table, NULL name
SELECT mlpipe_load_dataset('titanic');
SELECT mlpipe_load_dataset('iris');
SELECT mlpipe_load_dataset(NULL);
SELECT mlpipe_load_dataset('iris', 'no_such_schema.t');

-- mlpipe_describe against PostgreSQL's own aggregates (to 1e-12 relative)
CREATE TABLE d AS SELECT * FROM mlpipe_describe('iris');
SELECT column_name, type, count, nulls, distinct_values, top_values FROM d ORDER BY column_name;
SELECT d.column_name,
       abs(d.mean - r.mean) <= 1e-12 * abs(r.mean) AS mean,
       abs(d.stddev - r.sd) <= 1e-12 * r.sd AS stddev,
       d.min = r.mn AND d.max = r.mx AS min_max,
       d.q1 = r.q[1] AND d.median = r.q[2] AND d.q3 = r.q[3] AS quartiles,
       d.distinct_values = r.nd AS distinct_values
FROM d
JOIN LATERAL (
    SELECT avg(v) AS mean, stddev_samp(v) AS sd, min(v) AS mn, max(v) AS mx,
           percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY v) AS q,
           count(DISTINCT v) AS nd
    FROM iris i, LATERAL (SELECT (to_jsonb(i) ->> d.column_name)::float8 AS v) x
) r ON true
WHERE d.type = 'double precision' ORDER BY 1;

-- NULLs, booleans, integers, text and dates, from a query
SELECT column_name, type, count, nulls, distinct_values, round(mean::numeric, 6) AS mean,
       min, median, max, top_values
FROM mlpipe_describe($$
    SELECT i AS n, (i % 3 = 0) AS flag, CASE WHEN i % 4 = 0 THEN NULL ELSE 'c' || (i % 3) END AS cat,
           DATE '2024-01-01' + i AS day
    FROM generate_series(1, 12) i$$);
-- NaN sorts last and infinities stay exact, as in PostgreSQL
SELECT column_name, count, mean, min, q1, median, q3, max
FROM mlpipe_describe($$SELECT v FROM unnest(ARRAY[1, 'NaN', 3, '-Infinity', 5, 'Infinity', 2]::float8[]) v$$);
SELECT percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY v)
FROM unnest(ARRAY[1, 'NaN', 3, '-Infinity', 5, 'Infinity', 2]::float8[]) v;
-- an empty source: counts of zero, no statistics
SELECT column_name, count, nulls, distinct_values, mean, top_values
FROM mlpipe_describe('SELECT 1.0::float8 AS x, ''a''::text AS t WHERE false');
-- the same bad sources as training
SELECT * FROM mlpipe_describe('no_such_table');
SELECT * FROM mlpipe_describe('DELETE FROM iris');
RESET search_path;
