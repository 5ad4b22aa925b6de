-- Ill-conditioned and degenerate data.  References are exact rational
-- solutions (Python fractions) for the doubles actually loaded; see
-- test/reference/make_reference.py.  Seven significant digits are required;
-- the tolerance below is 1e-8 relative.

-- Longley (NIST StRD): condition number of the design about 4.9e9
CREATE TABLE longley (deflator float8, gnp float8, unemployed float8,
                      armed_forces float8, population float8, year float8,
                      employed float8);
\copy longley FROM 'test/data/longley.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE ref_longley (feature text, coefficient float8);
\copy ref_longley FROM 'test/reference/longley_coef.csv' WITH (FORMAT csv, HEADER)
SELECT deployed FROM mlpipe_train('longley', 'longley', 'employed', test_size => 0);
SELECT r.feature, abs(c.coefficient - r.coefficient) <= 1e-8 * abs(r.coefficient) AS seven_digits
FROM ref_longley r JOIN mlpipe_coefficients('longley') c USING (feature)
ORDER BY r.feature;

-- nearly collinear series with a large level: x2 = 1.0001 x1 + noise,
-- condition number about 2e9
CREATE TABLE collinear (x1 float8, x2 float8, x3 float8, y float8);
\copy collinear FROM 'test/data/collinear.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE ref_collinear (feature text, coefficient float8);
\copy ref_collinear FROM 'test/reference/collinear_coef.csv' WITH (FORMAT csv, HEADER)
SELECT deployed FROM mlpipe_train('collinear', 'collinear', 'y', test_size => 0);
SELECT r.feature, abs(c.coefficient - r.coefficient) <= 1e-8 * abs(r.coefficient) AS seven_digits
FROM ref_collinear r JOIN mlpipe_coefficients('collinear') c USING (feature)
ORDER BY r.feature;

-- a large common offset does not cost digits (centred co-moments): the
-- same data shifted by 1e9 gives the same slopes
CREATE TABLE shifted AS
SELECT i, (i % 17)::float8 + 1e9 AS u, ((i * 7) % 13)::float8 + 1e9 AS v,
       3 * (i % 17) - 2 * ((i * 7) % 13) + ((i * 31) % 5) * 0.1 AS y
FROM generate_series(1, 500) i;
SELECT deployed FROM mlpipe_train('shifted', 'SELECT u, v, y FROM shifted', 'y', test_size => 0);
SELECT deployed FROM mlpipe_train('unshifted', 'SELECT u - 1e9 AS u, v - 1e9 AS v, y FROM shifted', 'y', test_size => 0);
SELECT a.feature, abs(a.coefficient - b.coefficient) <= 1e-8 * abs(b.coefficient) AS same_slope
FROM mlpipe_coefficients('shifted') a JOIN mlpipe_coefficients('unshifted') b USING (feature)
WHERE a.feature <> 'intercept' ORDER BY 1;

-- exactly collinear columns train (minimum-norm solution) and predict
-- like the model without the redundant column
CREATE TABLE dup AS
SELECT i, i::float8 AS a, (i % 9)::float8 AS b, i + (i % 9)::float8 AS a_plus_b,
       2 * i::float8 - (i % 9) + ((i * 7) % 5) AS y
FROM generate_series(1, 100) i;
SELECT deployed FROM mlpipe_train('dup', 'dup', 'y', exclude => ARRAY['i'], test_size => 0);
SELECT deployed FROM mlpipe_train('nodup', 'dup', 'y', features => ARRAY['a', 'b'], test_size => 0);
SELECT max(abs(mlpipe_predict('dup', d) - mlpipe_predict('nodup', d))) < 1e-8 AS same_predictions
FROM dup d;
-- ridge on the same columns is unique and uses all three
SELECT deployed FROM mlpipe_train('dup_ridge', 'dup', 'y', 'ridge',
                                  exclude => ARRAY['i'], test_size => 0);
SELECT count(*) AS nonzero FROM mlpipe_coefficients('dup_ridge')
WHERE feature <> 'intercept' AND coefficient <> 0;

-- three rows and one feature: an exact line
SELECT deployed FROM mlpipe_train('tiny', $$SELECT * FROM (VALUES (1, 3), (2, 5), (3, 7.0)) v(x, y)$$,
                                  'y', test_size => 0);
SELECT feature, round(coefficient::numeric, 10) FROM mlpipe_coefficients('tiny')
ORDER BY feature;
