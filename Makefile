# mlpipe: PGXS build, plus the project's own targets:
#   make demo   install what is missing, build, install, run the demo
#   make check  the same set-up, then every test suite
#   make bench  the benchmark (prints ratios; not a test)
EXTENSION = mlpipe
MODULE_big = mlpipe
DATA = sql/mlpipe--0.1.0.sql
OBJS = src/mlpipe.o src/poly.o src/select.o src/mutinfo.o src/confusion.o src/format.o src/comoments.o src/linsolve.o \
       src/metrics.o src/estimator.o src/algo/linear.o src/algo/naive_bayes.o src/algo/logistic.o src/algo/linear_svm.o src/classeval.o src/nbstats.o src/model.o \
       src/source.o src/part.o src/parallel.o src/catalog.o src/train.o src/deploy.o \
       src/predict.o src/datasets.o src/describe.o src/csv.o src/split.o src/load.o src/classmetrics.o src/evaluate.o src/prep.o src/encode.o
REGRESS = install data csv linear split preprocess classification_metrics evaluate errors corrupt deploy illcond categorical dates engineer encodings arrays multiclass naive_bayes naive_bayes_cat logistic linear_svm cv class_errors nb_stats parallel
PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)

# OpenBLAS: the single-threaded build.  A backend is one session's process;
# BLAS threads would spin beside other backends and parallel workers.  The
# old-style RPATH also makes LAPACKE's own BLAS/LAPACK come from there.
MULTIARCH := $(shell gcc -print-multiarch 2>/dev/null)
OPENBLAS_DIR = /usr/lib/$(MULTIARCH)/openblas-serial
PG_CPPFLAGS = -I$(srcdir)/src -I/usr/include/$(MULTIARCH)/openblas-serial
PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
            -Wno-sign-compare
ifdef CI_WERROR
PG_CFLAGS += -Werror
endif
SHLIB_LINK = -L$(OPENBLAS_DIR) -Wl,--disable-new-dtags,-rpath,$(OPENBLAS_DIR) -lopenblas -llapacke
EXTRA_CLEAN = tmp results regression.diffs regression.out test/fuzz/format_fuzz

OWN_GOALS = demo check bench deps
ifeq ($(filter $(OWN_GOALS),$(MAKECMDGOALS)),)
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(PGXS),)
include $(PGXS)
# PGXS tracks no header dependencies: rebuild everything when one changes
$(OBJS): $(wildcard $(srcdir)/src/*.h)

# the data sets of mlpipe_load_dataset, in their own folder under extension/
DATASETS = $(wildcard $(srcdir)/sql/datasets/*.csv)
install: install-datasets
install-datasets:
	$(MKDIR_P) '$(DESTDIR)$(datadir)/extension/mlpipe_datasets'
	$(INSTALL_DATA) $(DATASETS) '$(DESTDIR)$(datadir)/extension/mlpipe_datasets/'
uninstall: uninstall-datasets
uninstall-datasets:
	rm -rf '$(DESTDIR)$(datadir)/extension/mlpipe_datasets'
.PHONY: install-datasets uninstall-datasets
else
all install installcheck clean:
	@echo "PostgreSQL server headers are missing: run 'make check' or 'make demo' (as root) to install them" >&2; exit 1
endif
else
.PHONY: $(OWN_GOALS)
deps:
	test/deps.sh

demo: deps
	$(MAKE) all
	$(MAKE) install
	test/demo.sh

check: deps
	$(MAKE) all
	$(MAKE) install
	test/run_check.sh $(REGRESS)

bench: deps
	$(MAKE) all
	$(MAKE) install
	test/bench.sh
endif
