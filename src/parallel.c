/*
 * parallel.c
 *	  Parallel training over a table: each process (the leader and its
 *	  workers) scans a share of the table into its own matrix, keeps it, and
 *	  runs the passes of training on it when the leader asks; only small
 *	  partial results (co-moments, metric states, sums) travel through
 *	  shared memory.  The answer is the serial one: the split is decided by
 *	  each row's own hash, and the partial results merge exactly.
 *
 * Protocol: the leader publishes a command and bumps command_seq; each
 * worker runs it on its part, writes its slot and bumps done; the leader
 * runs the same command on its own part, waits for done to reach the
 * number of workers, and merges the slots.  Errors in a worker reach the
 * leader through the parallel infrastructure while it waits.
 */
#include "postgres.h"

#include <math.h>
#include <unistd.h>

#include "access/parallel.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "optimizer/cost.h"
#include "optimizer/paths.h"
#include "storage/bufmgr.h"
#include "storage/condition_variable.h"
#include "storage/spin.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/wait_event.h"

#include "comoments.h"
#include "metrics.h"
#include "parallel.h"
#include "prep.h"

#define KEY_SHARED		UINT64CONST(0xA1F0000000000001)
#define KEY_SCAN		UINT64CONST(0xA1F0000000000002)

#define MAX_PARALLEL_K	2048

typedef enum ParCommand
{
	CMD_NONE,
	CMD_COMOMENTS,
	CMD_RESIDUAL,
	CMD_EVALUATE,
	CMD_IMPUTE_STATS,
	CMD_APPLY_FILL,
	CMD_EXIT
} ParCommand;

/* fixed part of the shared state; the variable arrays follow it */
typedef struct ParShared
{
	Oid			relid;
	int			ncols;
	int			natts_needed;
	bool		needs_rowcxt;
	int			nhash;
	int64		seed;
	uint64		threshold;
	int64		rows_hint;		/* expected rows per participant */
	int			nslots;			/* workers requested + 1 (the leader) */
	pg_atomic_uint64 bytes;		/* matrix memory of all participants */

	slock_t		mutex;
	ConditionVariable leader_cv;	/* the leader waits here for done */
	ConditionVariable worker_cv;	/* workers wait here for commands */
	int			command_seq;
	ParCommand	command;
	int			done;

	/* command inputs */
	bool		has_scaling;	/* evaluate: scale features first */
	uint16		algorithm;
	uint32		model_len;
	Size		model_cap;

	/* offsets of the variable arrays from the start of this struct */
	Size		off_attno;
	Size		off_kind;
	Size		off_names;
	Size		off_hash_attno;
	Size		off_hash_len;
	Size		off_hash_byval;
	Size		off_hash_name;
	Size		off_impute;
	Size		off_fill;
	Size		off_pcenter;
	Size		off_pscale;
	Size		off_center;
	Size		off_coef;
	Size		off_model;
	Size		off_slots;
	Size		slot_size;
} ParShared;

/* one participant's results; arrays follow in the slot */
typedef struct ParSlot
{
	int64		nrows;
	int64		ntest;
	int64		dropped;
} ParSlot;

struct MlpParallel
{
	ParallelContext *pcxt;
	ParShared  *sh;
	MlpPart    *leader;
	int			nworkers;		/* launched */
	int			k;
};

#define SH_ARRAY(sh, off, type)	((type *) ((char *) (sh) + (sh)->off))

/* Layout of a slot: nnull, min, max, train/test co-moments, g, metrics. */
static int64 *
SlotNnull(ParShared *sh, int slot)
{
	return (int64 *) ((char *) sh + sh->off_slots + sh->slot_size * slot +
					  MAXALIGN(sizeof(ParSlot)));
}

/* The float8 arrays of a slot start after its NULL counts. */
static double *
SlotDoubles(ParShared *sh, int slot)
{
	return (double *) (SlotNnull(sh, slot) + sh->ncols);
}

#define SLOT_MIN(sh, s)		(SlotDoubles(sh, s))
#define SLOT_MAX(sh, s)		(SlotDoubles(sh, s) + (sh)->ncols)
#define SLOT_TRAIN(sh, s)	(SlotDoubles(sh, s) + 2 * (sh)->ncols)
#define SLOT_TEST(sh, s)	(SLOT_TRAIN(sh, s) + COMOM_LEN((sh)->ncols))
#define SLOT_G(sh, s)		(SLOT_TEST(sh, s) + COMOM_LEN((sh)->ncols))
#define SLOT_MTRAIN(sh, s)	(SLOT_G(sh, s) + (sh)->ncols)
#define SLOT_MTEST(sh, s)	(SLOT_MTRAIN(sh, s) + REGM_LEN)
#define SLOT_SUM(sh, s)		(SLOT_MTEST(sh, s) + REGM_LEN)
#define SLOT_COUNT(sh, s)	(SLOT_SUM(sh, s) + (sh)->ncols)
#define SLOT_TMIN(sh, s)	(SLOT_COUNT(sh, s) + (sh)->ncols)
#define SLOT_TMAX(sh, s)	(SLOT_TMIN(sh, s) + (sh)->ncols)
#define SLOT_TABS(sh, s)	(SLOT_TMAX(sh, s) + (sh)->ncols)

/* A participant's slot in shared memory. */
static ParSlot *
Slot(ParShared *sh, int slot)
{
	return (ParSlot *) ((char *) sh + sh->off_slots + sh->slot_size * slot);
}

/* Bytes of one slot for ncols columns. */
static Size
SlotSize(int ncols)
{
	Size		doubles = 2 * (Size) ncols + 2 * COMOM_LEN(ncols) + ncols + 2 * REGM_LEN +
		5 * (Size) ncols;

	return MAXALIGN(sizeof(ParSlot)) + sizeof(int64) * ncols + sizeof(double) * doubles;
}

/* Column plan as seen by a worker (arrays point into shared memory). */
static void
ColumnsFromShared(ParShared *sh, MlpColumns *cols)
{
	char	   *names = SH_ARRAY(sh, off_names, char);

	cols->ncols = sh->ncols;
	cols->p = sh->ncols - 1;
	cols->attno = SH_ARRAY(sh, off_attno, int);
	cols->kind = SH_ARRAY(sh, off_kind, MlpNumKind);
	cols->names = palloc(sizeof(char *) * sh->ncols);
	cols->types = NULL;
	for (int j = 0; j < sh->ncols; j++)
		cols->names[j] = names + (Size) j * NAMEDATALEN;
	cols->natts_needed = sh->natts_needed;
	cols->needs_rowcxt = sh->needs_rowcxt;
	cols->impute = SH_ARRAY(sh, off_impute, int);
	cols->any_drop = false;
	for (int j = 0; j < sh->ncols - 1; j++)
		cols->any_drop |= (cols->impute[j] == MLP_IMPUTE_DROP);
	cols->nhash = sh->nhash;
	cols->hash_attno = SH_ARRAY(sh, off_hash_attno, int);
	cols->hash_len = SH_ARRAY(sh, off_hash_len, int16);
	cols->hash_byval = SH_ARRAY(sh, off_hash_byval, bool);
	cols->hash_name = SH_ARRAY(sh, off_hash_name, uint64);
	cols->order_attno = -1;		/* order splits never run in parallel */
	cols->order_type = InvalidOid;
}

/*
 * Scan this participant's share of the table into part, split it, and
 * publish the load results in its slot.
 */
static void
LoadShare(ParShared *sh, ParallelTableScanDesc pscan, const MlpColumns *cols,
		  MlpPart *part, int slot)
{
	Relation	rel = table_open(sh->relid, AccessShareLock);
	TableScanDesc scan = table_beginscan_parallel(rel, pscan);
	TupleTableSlot *ts = table_slot_create(rel, NULL);
	MlpRowSink	sink;
	ParSlot    *ps = Slot(sh, slot);

	MlpSinkInit(&sink, cols, sh->rows_hint, &sh->bytes, sh->seed, sh->threshold);
	while (table_scan_getnextslot(scan, ForwardScanDirection, ts))
	{
		CHECK_FOR_INTERRUPTS();
		slot_getsomeattrs(ts, cols->natts_needed);
		MlpSinkAdd(&sink, ts->tts_values, ts->tts_isnull);
	}
	ExecDropSingleTupleTableSlot(ts);
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	if (sink.rowcxt)
		MemoryContextDelete(sink.rowcxt);

	part->m = sink.m;
	part->p = cols->p;
	part->is_test = sink.is_test;
	part->ntest = sink.ntest;
	ps->nrows = part->m.nrows;
	ps->ntest = part->ntest;
	ps->dropped = sink.dropped;
	memcpy(SlotNnull(sh, slot), sink.nnull, sizeof(int64) * sh->ncols);
	memcpy(SLOT_MIN(sh, slot), sink.min, sizeof(double) * sh->ncols);
	memcpy(SLOT_MAX(sh, slot), sink.max, sizeof(double) * sh->ncols);
}

/* Run one command on this participant's part, results into its slot. */
static void
RunCommand(ParShared *sh, ParCommand cmd, MlpPart *part, int slot)
{
	switch (cmd)
	{
		case CMD_COMOMENTS:
			PartComoments(part, SLOT_TRAIN(sh, slot), SLOT_TEST(sh, slot));
			break;
		case CMD_RESIDUAL:
			memset(SLOT_G(sh, slot), 0, sizeof(double) * (sh->ncols - 1));
			PartResidual(part, SH_ARRAY(sh, off_center, double),
						 SH_ARRAY(sh, off_coef, double), SLOT_G(sh, slot));
			break;
		case CMD_EVALUATE:
			{
				const MlpEstimator *est = MlpEstimatorById(sh->algorithm);
				MlpCursor	c;
				const char *error = NULL;
				void	   *state;

				mlp_cursor_init(&c, SH_ARRAY(sh, off_model, uint8), sh->model_len);
				state = est ? est->deserialize(&c, sh->ncols - 1, &error) : NULL;
				if (state == NULL)
					elog(ERROR, "mlpipe parallel worker could not read the model: %s",
						 error ? error : "unknown algorithm");
				PartEvaluate(part, est, state,
							 sh->has_scaling ? SH_ARRAY(sh, off_pcenter, double) : NULL,
							 sh->has_scaling ? SH_ARRAY(sh, off_pscale, double) : NULL,
							 SLOT_MTRAIN(sh, slot), SLOT_MTEST(sh, slot));
				break;
			}
		case CMD_IMPUTE_STATS:
			PartImputeStats(part, SLOT_SUM(sh, slot), SLOT_COUNT(sh, slot));
			break;
		case CMD_APPLY_FILL:
			PartApplyFill(part, SH_ARRAY(sh, off_fill, double), SLOT_TMIN(sh, slot),
						  SLOT_TMAX(sh, slot), SLOT_TABS(sh, slot));
			break;
		case CMD_NONE:
		case CMD_EXIT:
			break;
	}
}

/* A worker's report that it finished the current step. */
static void
Arrive(ParShared *sh)
{
	SpinLockAcquire(&sh->mutex);
	sh->done++;
	SpinLockRelease(&sh->mutex);
	ConditionVariableSignal(&sh->leader_cv);
}

/* Worker entry point, started by the parallel infrastructure. */
PGDLLEXPORT void mlpipe_parallel_main(dsm_segment *seg, shm_toc *toc);

void
mlpipe_parallel_main(dsm_segment *seg, shm_toc *toc)
{
	ParShared  *sh = shm_toc_lookup(toc, KEY_SHARED, false);
	ParallelTableScanDesc pscan = shm_toc_lookup(toc, KEY_SCAN, false);
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext,
											  "mlpipe parallel worker",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext cmdcxt = AllocSetContextCreate(cxt, "mlpipe command",
												 ALLOCSET_DEFAULT_SIZES);
	MlpColumns	cols;
	MlpPart		part;
	int			seen = 0;

	MemoryContextSwitchTo(cxt);
	ColumnsFromShared(sh, &cols);
	memset(&part, 0, sizeof(part));
	LoadShare(sh, pscan, &cols, &part, ParallelWorkerNumber);
	Arrive(sh);

	for (;;)
	{
		ParCommand	cmd;

		ConditionVariablePrepareToSleep(&sh->worker_cv);
		for (;;)
		{
			SpinLockAcquire(&sh->mutex);
			cmd = (sh->command_seq != seen) ? sh->command : CMD_NONE;
			if (cmd != CMD_NONE)
				seen = sh->command_seq;
			SpinLockRelease(&sh->mutex);
			if (cmd != CMD_NONE)
				break;
			ConditionVariableSleep(&sh->worker_cv, PG_WAIT_EXTENSION);
		}
		ConditionVariableCancelSleep();
		if (cmd == CMD_EXIT)
			break;
		MemoryContextSwitchTo(cmdcxt);
		RunCommand(sh, cmd, &part, ParallelWorkerNumber);
		MemoryContextSwitchTo(cxt);
		MemoryContextReset(cmdcxt);
		Arrive(sh);
	}
	MemoryContextSwitchTo(TopMemoryContext);
	MemoryContextDelete(cxt);
}

/* Leader: wait until every launched worker finished the current step. */
static void
WaitForWorkers(MlpParallel *par)
{
	ParShared  *sh = par->sh;

	ConditionVariablePrepareToSleep(&sh->leader_cv);
	for (;;)
	{
		int			done;

		SpinLockAcquire(&sh->mutex);
		done = sh->done;
		SpinLockRelease(&sh->mutex);
		if (done >= par->nworkers)
			break;
		ConditionVariableSleep(&sh->leader_cv, PG_WAIT_EXTENSION);
	}
	ConditionVariableCancelSleep();
}

/* Leader: publish a command, run it on its own part, wait for the rest. */
static void
Broadcast(MlpParallel *par, ParCommand cmd)
{
	ParShared  *sh = par->sh;

	SpinLockAcquire(&sh->mutex);
	sh->command = cmd;
	sh->command_seq++;
	sh->done = 0;
	SpinLockRelease(&sh->mutex);
	ConditionVariableBroadcast(&sh->worker_cv);
	if (cmd != CMD_EXIT)
	{
		RunCommand(sh, cmd, par->leader, sh->nslots - 1);
		WaitForWorkers(par);
	}
}

/* Slots in use: the launched workers' and the leader's (the last one). */
#define FOREACH_SLOT(par, s) \
	for (int s = 0; s < (par)->sh->nslots; s++) \
		if (s < (par)->nworkers || s == (par)->sh->nslots - 1)

/*
 * How many workers the planner would give a scan of this many pages: one
 * from min_parallel_table_scan_size, one more each time the size triples.
 * Training is CPU-bound, so never more processes than online CPUs: an extra
 * worker would only add its start-up and its share of the switching.
 */
static int
WorkersForPages(BlockNumber pages)
{
	int			nworkers = 0;
	double		threshold = Max(min_parallel_table_scan_size, 1);
	long		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int			limit = max_parallel_workers_per_gather;

	if (ncpu >= 2)
		limit = Min(limit, (int) ncpu - 1);
	if (pages < (BlockNumber) min_parallel_table_scan_size)
		return 0;
	while (pages >= threshold && nworkers < limit)
	{
		nworkers++;
		threshold *= 3;
	}
	return nworkers;
}

/*
 * Start a parallel training over relid when the table is large enough and
 * workers are allowed; returns NULL (nothing started) otherwise.  On
 * success the leader's own share is in *leader and the load results of all
 * participants are summed in *sum.
 */
MlpParallel *
MlpParallelBegin(Oid relid, const MlpSourceSpec *spec, int64 seed,
				 uint64 threshold, MlpColumns *cols, MlpPart *leader,
				 MlpSummary *sum)
{
	Relation	rel;
	int			nworkers;
	ParallelContext *pcxt;
	Snapshot	snapshot = GetActiveSnapshot();
	Size		pscan_size;
	Size		shared_size;
	Size		off;
	ParShared  *sh;
	ParallelTableScanDesc pscan;
	MlpParallel *par;
	char	   *names;
	int			k;

	if (IsInParallelMode() || max_parallel_workers_per_gather <= 0)
		return NULL;
	rel = table_open(relid, AccessShareLock);
	nworkers = WorkersForPages(RelationGetNumberOfBlocks(rel));
	MlpResolveColumns(spec, RelationGetDescr(rel), cols);
	k = cols->ncols;
	/* categories get codes from per-process dictionaries: one process */
	if (nworkers == 0 || k > MAX_PARALLEL_K || cols->any_encoded)
	{
		table_close(rel, AccessShareLock);
		return NULL;
	}

	EnterParallelMode();
	pcxt = CreateParallelContext("mlpipe", "mlpipe_parallel_main", nworkers);

	/* shared state: fixed part, column plan, inputs, one slot per process */
	off = MAXALIGN(sizeof(ParShared));
	off += MAXALIGN(sizeof(int) * k);	/* attno */
	off += MAXALIGN(sizeof(MlpNumKind) * k);	/* kind */
	off += MAXALIGN((Size) NAMEDATALEN * k);	/* names */
	off += MAXALIGN(sizeof(int) * cols->nhash);	/* hashed columns */
	off += MAXALIGN(sizeof(int16) * cols->nhash);
	off += MAXALIGN(sizeof(bool) * cols->nhash);
	off += MAXALIGN(sizeof(uint64) * cols->nhash);
	off += MAXALIGN(sizeof(int) * k);	/* impute */
	off += 3 * MAXALIGN(sizeof(double) * k);	/* fill, scaling center and scale */
	off += MAXALIGN(sizeof(double) * k);	/* center */
	off += MAXALIGN(sizeof(double) * k);	/* coef */
	off += MAXALIGN(8192 + 16 * (Size) k);	/* serialized model */
	shared_size = add_size(off, mul_size(MAXALIGN(SlotSize(k)), nworkers + 1));
	pscan_size = table_parallelscan_estimate(rel, snapshot);
	shm_toc_estimate_chunk(&pcxt->estimator, shared_size);
	shm_toc_estimate_chunk(&pcxt->estimator, pscan_size);
	shm_toc_estimate_keys(&pcxt->estimator, 2);
	InitializeParallelDSM(pcxt);

	sh = shm_toc_allocate(pcxt->toc, shared_size);
	memset(sh, 0, shared_size);
	sh->relid = relid;
	sh->ncols = k;
	sh->natts_needed = cols->natts_needed;
	sh->needs_rowcxt = cols->needs_rowcxt;
	sh->nhash = cols->nhash;
	sh->seed = seed;
	sh->threshold = threshold;
	sh->nslots = nworkers + 1;
	/* a first allocation near each share, within a share of the budget */
	sh->rows_hint = (rel->rd_rel->reltuples > 0) ?
		(int64) (rel->rd_rel->reltuples / (nworkers + 1) * 1.6) : 0;
	sh->rows_hint = Min(sh->rows_hint,
						(int64) ((double) mlpipe_max_memory_kb * 1024.0 /
								 (double) (sizeof(double) * k + 1) / (nworkers + 1)));
	pg_atomic_init_u64(&sh->bytes, 0);
	SpinLockInit(&sh->mutex);
	ConditionVariableInit(&sh->leader_cv);
	ConditionVariableInit(&sh->worker_cv);
	off = MAXALIGN(sizeof(ParShared));
	sh->off_attno = off;
	off += MAXALIGN(sizeof(int) * k);
	sh->off_kind = off;
	off += MAXALIGN(sizeof(MlpNumKind) * k);
	sh->off_names = off;
	off += MAXALIGN((Size) NAMEDATALEN * k);
	sh->off_hash_attno = off;
	off += MAXALIGN(sizeof(int) * cols->nhash);
	sh->off_hash_len = off;
	off += MAXALIGN(sizeof(int16) * cols->nhash);
	sh->off_hash_byval = off;
	off += MAXALIGN(sizeof(bool) * cols->nhash);
	sh->off_hash_name = off;
	off += MAXALIGN(sizeof(uint64) * cols->nhash);
	sh->off_impute = off;
	off += MAXALIGN(sizeof(int) * k);
	sh->off_fill = off;
	off += MAXALIGN(sizeof(double) * k);
	sh->off_pcenter = off;
	off += MAXALIGN(sizeof(double) * k);
	sh->off_pscale = off;
	off += MAXALIGN(sizeof(double) * k);
	sh->off_center = off;
	off += MAXALIGN(sizeof(double) * k);
	sh->off_coef = off;
	off += MAXALIGN(sizeof(double) * k);
	sh->off_model = off;
	sh->model_cap = 8192 + 16 * (Size) k;
	off += MAXALIGN(sh->model_cap);
	sh->off_slots = off;
	sh->slot_size = MAXALIGN(SlotSize(k));
	memcpy(SH_ARRAY(sh, off_attno, int), cols->attno, sizeof(int) * k);
	memcpy(SH_ARRAY(sh, off_kind, MlpNumKind), cols->kind, sizeof(MlpNumKind) * k);
	memcpy(SH_ARRAY(sh, off_impute, int), cols->impute, sizeof(int) * k);
	memcpy(SH_ARRAY(sh, off_hash_attno, int), cols->hash_attno, sizeof(int) * cols->nhash);
	memcpy(SH_ARRAY(sh, off_hash_len, int16), cols->hash_len, sizeof(int16) * cols->nhash);
	memcpy(SH_ARRAY(sh, off_hash_byval, bool), cols->hash_byval, sizeof(bool) * cols->nhash);
	memcpy(SH_ARRAY(sh, off_hash_name, uint64), cols->hash_name, sizeof(uint64) * cols->nhash);
	names = SH_ARRAY(sh, off_names, char);
	for (int j = 0; j < k; j++)
		strlcpy(names + (Size) j * NAMEDATALEN, cols->names[j], NAMEDATALEN);
	shm_toc_insert(pcxt->toc, KEY_SHARED, sh);

	pscan = shm_toc_allocate(pcxt->toc, pscan_size);
	table_parallelscan_initialize(rel, pscan, snapshot);
	shm_toc_insert(pcxt->toc, KEY_SCAN, pscan);

	LaunchParallelWorkers(pcxt);

	par = palloc0(sizeof(MlpParallel));
	par->pcxt = pcxt;
	par->sh = sh;
	par->leader = leader;
	par->nworkers = pcxt->nworkers_launched;
	par->k = k;

	/*
	 * The leader scans its share while the workers start, then makes sure
	 * every launched worker did start (else it errors out rather than wait
	 * forever) and waits for their loads.
	 */
	LoadShare(sh, pscan, cols, leader, sh->nslots - 1);
	WaitForParallelWorkersToAttach(pcxt);
	WaitForWorkers(par);
	table_close(rel, NoLock);	/* keep the lock until the transaction ends */

	SummaryInit(sum, k);
	FOREACH_SLOT(par, s)
	{
		SummaryAdd(sum, k, Slot(sh, s)->nrows, Slot(sh, s)->ntest,
				   SlotNnull(sh, s), SLOT_MIN(sh, s), SLOT_MAX(sh, s));
		sum->dropped += Slot(sh, s)->dropped;
	}
	return par;
}

/* Workers launched (not counting the leader). */
int
MlpParallelWorkers(const MlpParallel *par)
{
	return par->nworkers;
}

/* Train and test co-moments over all participants. */
void
MlpParallelComoments(MlpParallel *par, double *train, double *test)
{
	ParShared  *sh = par->sh;

	Broadcast(par, CMD_COMOMENTS);
	ComomentsInit(train, par->k);
	ComomentsInit(test, par->k);
	FOREACH_SLOT(par, s)
	{
		ComomentsMerge(train, SLOT_TRAIN(sh, s));
		ComomentsMerge(test, SLOT_TEST(sh, s));
	}
}

/* The normal-equation residual over all participants' training rows. */
void
MlpParallelResidual(MlpParallel *par, const double *center, const double *coef,
					double *g)
{
	ParShared  *sh = par->sh;
	int			p = par->k - 1;

	memcpy(SH_ARRAY(sh, off_center, double), center, sizeof(double) * par->k);
	memcpy(SH_ARRAY(sh, off_coef, double), coef, sizeof(double) * p);
	Broadcast(par, CMD_RESIDUAL);
	FOREACH_SLOT(par, s)
		for (int j = 0; j < p; j++)
		g[j] += SLOT_G(sh, s)[j];
}

/* realloc() semantics over palloc, for the model writer. */
static void *
PallocGrow(void *ptr, size_t size)
{
	return ptr ? repalloc(ptr, size) : palloc(size);
}

/*
 * Means and counts of the non-NULL training values of every feature, the
 * participants' running means merged by count (exact for equal values).
 */
void
MlpParallelImputeStats(MlpParallel *par, double *mean, double *count)
{
	ParShared  *sh = par->sh;
	int			p = par->k - 1;

	Broadcast(par, CMD_IMPUTE_STATS);
	memset(mean, 0, sizeof(double) * p);
	memset(count, 0, sizeof(double) * p);
	FOREACH_SLOT(par, s)
		for (int j = 0; j < p; j++)
		{
			double		nb = SLOT_COUNT(sh, s)[j];

			if (nb == 0)
				continue;
			count[j] += nb;
			mean[j] += (SLOT_SUM(sh, s)[j] - mean[j]) * (nb / count[j]);
		}
}

/* Fill the NULLs everywhere; the training rows' ranges after filling. */
void
MlpParallelApplyFill(MlpParallel *par, const double *fill, double *tmin,
					 double *tmax, double *tabs)
{
	ParShared  *sh = par->sh;
	int			p = par->k - 1;

	memcpy(SH_ARRAY(sh, off_fill, double), fill, sizeof(double) * p);
	Broadcast(par, CMD_APPLY_FILL);
	for (int j = 0; j < p; j++)
	{
		tmin[j] = INFINITY;
		tmax[j] = -INFINITY;
		tabs[j] = 0;
	}
	FOREACH_SLOT(par, s)
		for (int j = 0; j < p; j++)
		{
			tmin[j] = Min(tmin[j], SLOT_TMIN(sh, s)[j]);
			tmax[j] = Max(tmax[j], SLOT_TMAX(sh, s)[j]);
			tabs[j] = Max(tabs[j], SLOT_TABS(sh, s)[j]);
		}
}

/* Metrics of a fitted model over all participants' rows. */
void
MlpParallelEvaluate(MlpParallel *par, const MlpEstimator *est, const void *state,
					const double *center, const double *scale,
					double *train_met, double *test_met)
{
	ParShared  *sh = par->sh;
	MlpWriter	w;

	sh->has_scaling = (center != NULL);
	if (center)
	{
		memcpy(SH_ARRAY(sh, off_pcenter, double), center, sizeof(double) * (par->k - 1));
		memcpy(SH_ARRAY(sh, off_pscale, double), scale, sizeof(double) * (par->k - 1));
	}

	mlp_writer_init(&w, PallocGrow);
	est->serialize(state, &w);
	if (w.failed || w.len > sh->model_cap)
		elog(ERROR, "model too large for parallel evaluation");
	memcpy(SH_ARRAY(sh, off_model, uint8), w.buf, w.len);
	sh->model_len = (uint32) w.len;
	sh->algorithm = est->id;
	Broadcast(par, CMD_EVALUATE);
	memset(train_met, 0, sizeof(double) * REGM_LEN);
	memset(test_met, 0, sizeof(double) * REGM_LEN);
	FOREACH_SLOT(par, s)
	{
		RegMetricsMerge(train_met, SLOT_MTRAIN(sh, s));
		RegMetricsMerge(test_met, SLOT_MTEST(sh, s));
	}
	pfree(w.buf);
}

/* Let the workers go and leave parallel mode. */
void
MlpParallelEnd(MlpParallel *par)
{
	Broadcast(par, CMD_EXIT);
	WaitForParallelWorkersToFinish(par->pcxt);
	DestroyParallelContext(par->pcxt);
	ExitParallelMode();
}
