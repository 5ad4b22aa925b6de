-- Classification's bad input, each a clear error: one class only, a NULL
-- label, more classes than the cap (1000), an unknown positive label,
-- probabilities from a regression model, labels whose type changed since
-- training, and fractional numeric labels.
CREATE TABLE ce (x float8, label text, code integer, flag boolean, y float8);
INSERT INTO ce SELECT i, 'c' || (i % 3), i % 3, i % 2 = 0, i * 0.5 FROM generate_series(1, 60) i;
CREATE TABLE ce_runs AS
SELECT 'text' AS kind, model_id FROM mlpipe_train('ce_text', 'SELECT x, label FROM ce', 'label', test_size => 0)
UNION ALL
SELECT 'integer', model_id FROM mlpipe_train('ce_int', 'SELECT x, code FROM ce', 'code', task => 'classification', test_size => 0)
UNION ALL
SELECT 'boolean', model_id FROM mlpipe_train('ce_bool', 'SELECT x, flag FROM ce', 'flag', test_size => 0)
UNION ALL
SELECT 'regression', model_id FROM mlpipe_train('ce_reg', 'SELECT x, y FROM ce', 'y', test_size => 0);
SELECT kind, mlpipe_classes(model_id) FROM ce_runs WHERE kind <> 'regression' ORDER BY 1;

-- one class only
SELECT mlpipe_train('ce_bad', 'SELECT x, ''same''::text AS label FROM ce', 'label');
-- a NULL label
SELECT mlpipe_train('ce_bad', 'SELECT x, CASE WHEN x = 7 THEN NULL ELSE label END AS label FROM ce', 'label');
-- more classes than the cap
SELECT mlpipe_train('ce_bad', 'SELECT i::float8 AS x, ''k'' || i AS label FROM generate_series(1, 1001) i', 'label',
                    test_size => 0);
-- fractional numeric labels
SELECT mlpipe_train('ce_bad', 'SELECT x, y FROM ce', 'y', task => 'classification');
-- an unknown positive label
SELECT mlpipe_precision(label, label, 'c9') FROM ce;
SELECT mlpipe_f1(mlpipe_confusion(label, label), 'binary', 'c9') FROM ce;
-- probabilities, classes or a class from a regression model
SELECT mlpipe_predict_proba('ce_reg', ce) FROM ce LIMIT 1;
SELECT mlpipe_classes('ce_reg');
SELECT mlpipe_predict_class('ce_reg', ce) FROM ce LIMIT 1;
-- a text label asked for as a number
SELECT mlpipe_predict('ce_text', ce) FROM ce LIMIT 1;
-- labels whose type changed since training
SELECT * FROM mlpipe_evaluate('ce_text', 'SELECT x, code AS label FROM ce');
SELECT * FROM mlpipe_evaluate('ce_int', 'SELECT x, ''c'' || code AS code FROM ce');
SELECT * FROM mlpipe_evaluate('ce_int', 'SELECT x, code::text AS code FROM ce');
SELECT * FROM mlpipe_evaluate('ce_bool', 'SELECT x, flag::int AS flag FROM ce');
-- a compatible type is fine: bigint and numeric labels for integer ones
SELECT metric, value FROM mlpipe_evaluate('ce_int', 'SELECT x, code::numeric AS code FROM ce')
WHERE metric = 'accuracy' AND class IS NULL;
-- a label the model never saw
SELECT * FROM mlpipe_evaluate('ce_text', 'SELECT x, ''c7''::text AS label FROM ce');
-- a class whose every row fell into the test split
SELECT mlpipe_train('ce_bad', 'SELECT x, x AS t, CASE WHEN x = 60 THEN ''rare'' ELSE label END AS label FROM ce', 'label',
                    split => 'order:t', test_size => 0.2);
-- the direct aggregates count the positive label's hits: one that never
-- occurs gives 0 (scikit-learn warns); over mlpipe_confusion, which knows
-- the labels, it is an error (above)
SELECT mlpipe_recall(label, label, 'c9') FROM ce;
