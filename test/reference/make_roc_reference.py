"""Reference ROC curve for mlpipe_roc_curve.

Run from the repository root with Debian's Python (scikit-learn 1.2):

    /usr/bin/python3 test/reference/make_roc_reference.py

Reads test/data/classif_pairs.csv (500 fixed pairs with tied scores, made by
make_classification_reference.py) and writes test/reference/roc_curve.csv:
each point of sklearn.metrics.roc_curve(y_true, score) with its default
drop_intermediate=True (scikit-learn 1.2 puts the first threshold at the
highest score plus 1).
"""
import csv

from sklearn.metrics import roc_curve

rows = list(csv.DictReader(open("test/data/classif_pairs.csv")))
y = [r["y_true"] == "t" for r in rows]
s = [float(r["score"]) for r in rows]
fpr, tpr, thr = roc_curve(y, s)
with open("test/reference/roc_curve.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["i", "threshold", "fpr", "tpr"])
    for i, (a, b, c) in enumerate(zip(thr, fpr, tpr)):
        w.writerow([i, repr(float(a)), repr(float(b)), repr(float(c))])
