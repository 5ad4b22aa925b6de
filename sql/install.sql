-- The extension installs its catalog, functions and aggregates.
CREATE EXTENSION mlpipe;

-- catalog tables, and pg_dump keeps them (extension configuration)
SELECT c.relname, c.relkind
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'mlpipe' AND c.relkind IN ('r', 'S', 'i')
ORDER BY c.relkind, c.relname;

SELECT unnest(extconfig)::regclass AS dumped
FROM pg_extension WHERE extname = 'mlpipe' ORDER BY 1::text;

SELECT column_name, data_type, is_nullable
FROM information_schema.columns
WHERE table_schema = 'mlpipe' AND table_name = 'models'
ORDER BY ordinal_position;

-- foreign keys
SELECT conrelid::regclass AS tbl, confrelid::regclass AS refers_to, confdeltype
FROM pg_constraint
WHERE contype = 'f' AND connamespace = 'mlpipe'::regnamespace
ORDER BY 1::text, 2::text;

-- every function is named mlpipe_*, and its volatility and parallel
-- safety are what the docs promise
SELECT p.proname, pg_get_function_identity_arguments(p.oid) AS args,
       p.provolatile, p.proparallel, p.proisstrict, p.prokind
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'mlpipe'
ORDER BY 1, 2;

-- aggregates: a real state type (never internal) and a combine function,
-- so parallel query and Citus can split them
SELECT p.proname AS aggregate, a.aggtranstype::regtype AS state,
       a.aggcombinefn <> 0 AS has_combine, a.agginitval
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.proname LIKE 'mlpipe%'
ORDER BY 1, 2::text;

-- the memory budget setting
SHOW mlpipe.max_memory;
