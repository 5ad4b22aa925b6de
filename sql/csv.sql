-- mlpipe_load_csv: inferred types, COPY's CSV rules, one transaction.
CREATE SCHEMA csvt;
SET search_path = csvt, public;

-- a file written by the server, then loaded back with inferred types
COPY (SELECT i AS id, i * 1.5 AS score, i % 2 = 0 AS even, 'name ' || i AS label,
             DATE '2024-02-27' + i AS day, TIMESTAMPTZ '2024-01-01 10:00:00+00' + i * interval '1 hour' AS at,
             (i::bigint * 3000000000) AS big
      FROM generate_series(1, 5) i)
TO '/tmp/mlpipe_regress_1.csv' WITH (FORMAT csv, HEADER);
SELECT mlpipe_load_csv('/tmp/mlpipe_regress_1.csv', 'typed');
SELECT column_name, data_type FROM information_schema.columns
WHERE table_schema = 'csvt' AND table_name = 'typed' ORDER BY ordinal_position;
SELECT id, score, even, label, day, big FROM typed ORDER BY id;

-- quotes, doubled quotes, delimiters and newlines inside quotes; NULL is an
-- unquoted empty field, "" an empty string; a column of only NULLs is text
SELECT mlpipe_load_csv($$printf 'a,b,c,d\n1,"x, y",,\n2,"say ""hi""",3.5,\n3,"two\nlines","",\n'$$,
                       'quoted', program => true);
SELECT a, b, c, d IS NULL AS d_null, length(b) AS len FROM quoted ORDER BY a;
SELECT column_name, data_type FROM information_schema.columns
WHERE table_schema = 'csvt' AND table_name = 'quoted' ORDER BY ordinal_position;

-- another delimiter and null token, no header (columns are named), and
-- duplicate header names made unique
SELECT mlpipe_load_csv($$printf '1;NA;x\n2;7;y\n'$$, 'semi', header => false,
                       delimiter => ';', null_token => 'NA', program => true);
SELECT * FROM semi ORDER BY column1;
SELECT mlpipe_load_csv($$printf 'v,v,\n1,2,3\n'$$, 'dups', program => true);
SELECT * FROM dups;
-- mixed values widen: int + float -> float, date + timestamp -> timestamptz,
-- number + word -> text; booleans as t/f/true/false
SELECT mlpipe_load_csv($$printf 'n,t,w,b\n1,2024-01-01,5,t\n2.5,2024-01-02 03:04:05,x,FALSE\n'$$,
                       'widen', program => true);
SELECT column_name, data_type FROM information_schema.columns
WHERE table_schema = 'csvt' AND table_name = 'widen' ORDER BY ordinal_position;

-- whole numbers beyond bigint keep their digits (numeric); long header
-- names are cut at a character boundary and still made unique
SELECT mlpipe_load_csv($$printf 'id,v\n9223372036854775808,1\n12345678901234567890123,2\n'$$, 'huge', program => true);
SELECT id, pg_typeof(id) FROM huge ORDER BY v;
SELECT mlpipe_load_csv(format($$printf '%s,%s\n1,2\n'$$, repeat('é', 40), repeat('é', 40)), 'longnames', program => true);
SELECT length(attname) AS chars, octet_length(attname::text) AS bytes FROM pg_attribute
WHERE attrelid = 'csvt.longnames'::regclass AND attnum > 0 ORDER BY attnum;
-- a temporary table of the same name does not capture the rows
CREATE TEMP TABLE line (z int);
-- the loaded table trains like any other
SELECT mlpipe_load_csv($$printf 'x,y\n1,3\n2,5\n3,7\n4,9.5\n'$$, 'line', program => true);
SELECT (SELECT count(*) FROM pg_temp.line) AS temp_rows, (SELECT count(*) FROM csvt.line) AS new_rows;
DROP TABLE pg_temp.line;
SELECT deployed FROM mlpipe_train('csv_line', 'line', 'y', test_size => 0);
SELECT feature, round(coefficient::numeric, 6) FROM mlpipe_coefficients('csv_line');

-- errors: ragged rows name the line, unterminated quotes, an existing table,
-- a relative path, a missing file, bad options; nothing is left behind
SELECT mlpipe_load_csv($$printf 'a,b\n1,2\n3\n'$$, 'ragged', program => true);
SELECT mlpipe_load_csv($$printf 'a,b\n1,"open\n'$$, 'unterminated', program => true);
SELECT mlpipe_load_csv($$printf 'a\n1\n'$$, 'typed', program => true);
SELECT mlpipe_load_csv('relative.csv', 'rel');
SELECT mlpipe_load_csv('/tmp/mlpipe_no_such_file.csv', 'missing');
SELECT mlpipe_load_csv($$printf 'a\n1\n'$$, 'baddelim', delimiter => ',,', program => true);
SELECT mlpipe_load_csv($$printf ''$$, 'empty', program => true);
SELECT mlpipe_load_csv('exit 3', 'failing', program => true);
SELECT count(*) AS left_behind FROM pg_tables
WHERE schemaname = 'csvt' AND tablename IN ('ragged', 'unterminated', 'rel', 'missing', 'baddelim', 'empty', 'failing');

-- the same rights as COPY: an ordinary role may do neither
CREATE ROLE regress_mlpipe_csv_user;
GRANT USAGE, CREATE ON SCHEMA csvt TO regress_mlpipe_csv_user;
SET ROLE regress_mlpipe_csv_user;
SELECT mlpipe_load_csv('/tmp/mlpipe_regress_1.csv', 'csvt.nope');
SELECT mlpipe_load_csv('echo a', 'csvt.nope', program => true);
RESET ROLE;
DROP OWNED BY regress_mlpipe_csv_user;
DROP ROLE regress_mlpipe_csv_user;
RESET search_path;
