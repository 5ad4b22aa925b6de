/*
 * load.c
 *	  The common end of mlpipe_load_csv and mlpipe_load_dataset: create the
 *	  table, then let COPY's own parser load the rows from a callback.
 */
#include "postgres.h"

#include "access/table.h"
#include "catalog/namespace.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "parser/parse_node.h"
#include "parser/parse_relation.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/regproc.h"

#include "load.h"

/*
 * Create table (a plain or schema-qualified name, which must be new) with
 * the given column list and COPY rows into it from source; returns the
 * number of rows.  The schema is resolved once, as CREATE TABLE does, and
 * the new table is looked up there only: by name alone, a temporary or
 * catalog table of the same name would be found first.
 */
uint64
MlpCreateAndCopy(const char *table, const char *columns,
				 copy_data_source_cb source, List *options)
{
	List	   *qname = stringToQualifiedNameList(table);
	RangeVar   *rv = makeRangeVarFromNameList(qname);
	Oid			nspid = RangeVarGetAndCheckCreationNamespace(rv, NoLock, NULL);
	char	   *qualified = quote_qualified_identifier(get_namespace_name(nspid),
													   rv->relname);
	Oid			relid;
	Relation	rel;
	ParseState *pstate;
	ParseNamespaceItem *nsitem;
	CopyFromState cstate;
	uint64		rows;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute(psprintf("CREATE TABLE %s (%s)", qualified, columns),
					false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "could not create table %s", qualified);
	SPI_finish();
	CommandCounterIncrement();

	relid = get_relname_relid(rv->relname, nspid);
	if (!OidIsValid(relid))
		elog(ERROR, "table %s vanished after its creation", qualified);
	rel = table_open(relid, RowExclusiveLock);

	/*
	 * COPY FROM's executor state expects the table as range table entry 1;
	 * check INSERT on it as COPY would (the caller just created it).
	 */
	pstate = make_parsestate(NULL);
	nsitem = addRangeTableEntryForRelation(pstate, rel, RowExclusiveLock, NULL,
										   false, false);
	nsitem->p_rte->requiredPerms = ACL_INSERT;
	ExecCheckRTPerms(pstate->p_rtable, true);

	cstate = BeginCopyFrom(pstate, rel, NULL, NULL, false, source, NIL, options);
	rows = CopyFrom(cstate);
	EndCopyFrom(cstate);
	table_close(rel, NoLock);
	return rows;
}
