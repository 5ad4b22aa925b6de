/*
 * csv.c
 *	  mlpipe_load_csv: create a table with inferred column types from a CSV
 *	  file (or a program's output) and load it, in one transaction.
 *
 * The input is read once into memory (within mlpipe.max_memory).  A parser
 * that follows COPY's CSV rules (quotes, doubled quotes, delimiters and
 * newlines inside quotes, an unquoted null token) infers each column's type;
 * then COPY's own machinery loads the same bytes, so what is inferred is
 * what COPY will accept.
 */
#include "postgres.h"

#include <ctype.h>

#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "commands/copy.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_node.h"
#include "parser/parse_relation.h"
#include "storage/fd.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/regproc.h"
#include "utils/lsyscache.h"
#include "executor/executor.h"

#include "mb/pg_wchar.h"

#include "load.h"
#include "mlpipe.h"

PG_FUNCTION_INFO_V1(mlpipe_load_csv);

/* inferred types, from the narrowest; a column takes the widest it needs */
typedef enum CsvType
{
	CSV_NONE,					/* no value seen yet */
	CSV_BOOL,
	CSV_INT,
	CSV_BIGINT,
	CSV_NUMERIC,				/* whole numbers beyond bigint */
	CSV_FLOAT,
	CSV_DATE,
	CSV_TIMESTAMPTZ,
	CSV_TEXT
} CsvType;

static const char *const csv_type_names[] = {
	"text", "boolean", "integer", "bigint", "numeric", "double precision", "date",
	"timestamptz", "text"
};

typedef struct CsvReader
{
	const char *buf;
	Size		len;
	Size		pos;
	char		delim;
	const char *null_token;
	int64		line;			/* physical line the current record starts on */
	int64		next_line;
} CsvReader;

/* the bytes COPY reads through CsvSource */
static const char *copy_buf;
static Size copy_len;
static Size copy_pos;

/* COPY's data source: the in-memory input. */
static int
CsvSource(void *outbuf, int minread, int maxread)
{
	Size		n = Min((Size) maxread, copy_len - copy_pos);

	memcpy(outbuf, copy_buf + copy_pos, n);
	copy_pos += n;
	return (int) n;
}

/*
 * Read one record into fields (values palloc'd; NULL for the null token).
 * Returns false at the end of input.
 */
static bool
CsvNextRecord(CsvReader *r, List **fields)
{
	StringInfoData f;
	bool		quoted = false;
	bool		was_quoted = false;

	*fields = NIL;
	if (r->pos >= r->len)
		return false;
	r->line = r->next_line;
	initStringInfo(&f);
	for (;;)
	{
		char		c;

		if (r->pos >= r->len)
		{
			if (quoted)
				ereport(ERROR,
						(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
						 errmsg("unterminated quoted field in CSV line %lld",
								(long long) r->line)));
			break;
		}
		c = r->buf[r->pos++];
		if ((r->pos & 0xfffff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (quoted)
		{
			if (c == '"')
			{
				if (r->pos < r->len && r->buf[r->pos] == '"')
				{
					appendStringInfoChar(&f, '"');
					r->pos++;
				}
				else
					quoted = false;
			}
			else
			{
				if (c == '\n')
					r->next_line++;
				appendStringInfoChar(&f, c);
			}
			continue;
		}
		if (c == '"')
		{
			quoted = true;
			was_quoted = true;
			continue;
		}
		if (c == r->delim || c == '\n' || c == '\r')
		{
			*fields = lappend(*fields,
							  (!was_quoted && strcmp(f.data, r->null_token) == 0) ?
							  NULL : pstrdup(f.data));
			resetStringInfo(&f);
			was_quoted = false;
			if (c == r->delim)
				continue;
			if (c == '\r' && r->pos < r->len && r->buf[r->pos] == '\n')
				r->pos++;
			r->next_line++;
			pfree(f.data);
			return true;
		}
		appendStringInfoChar(&f, c);
	}
	*fields = lappend(*fields,
					  (!was_quoted && strcmp(f.data, r->null_token) == 0) ?
					  NULL : pstrdup(f.data));
	pfree(f.data);
	return true;
}

/* Whether s is all digits from s[i] on, with at least one. */
static bool
AllDigits(const char *s, int from, int to)
{
	if (from >= to)
		return false;
	for (int i = from; i < to; i++)
		if (!isdigit((unsigned char) s[i]))
			return false;
	return true;
}

/* A calendar date yyyy-mm-dd that exists. */
static bool
IsDate(const char *s, int len)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			y,
				m,
				d;

	if (len != 10 || s[4] != '-' || s[7] != '-' || !AllDigits(s, 0, 4) ||
		!AllDigits(s, 5, 7) || !AllDigits(s, 8, 10))
		return false;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return false;
	if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return d <= 29;
	return d <= days[m - 1];
}

/* yyyy-mm-dd[ T]hh:mm[:ss[.frac]][Z|+hh[:mm]|-hh[:mm]] */
static bool
IsTimestamp(const char *s, int len)
{
	int			i = 16;

	if (len < 16 || !IsDate(s, 10) || (s[10] != ' ' && s[10] != 'T') ||
		!AllDigits(s, 11, 13) || s[13] != ':' || !AllDigits(s, 14, 16) ||
		atoi(s + 11) > 23 || atoi(s + 14) > 59)
		return false;
	if (i < len && s[i] == ':')
	{
		if (!AllDigits(s, i + 1, i + 3) || atoi(s + i + 1) > 59)
			return false;
		i += 3;
		if (i < len && s[i] == '.')
		{
			int			j = i + 1;

			while (j < len && isdigit((unsigned char) s[j]))
				j++;
			if (j == i + 1)
				return false;
			i = j;
		}
	}
	if (i == len)
		return true;
	if (s[i] == 'Z')
		return i + 1 == len;
	if (s[i] != '+' && s[i] != '-')
		return false;
	if (!AllDigits(s, i + 1, i + 3) || atoi(s + i + 1) > 15)
		return false;
	i += 3;
	if (i == len)
		return true;
	if (s[i] == ':')
		i++;
	return i + 2 == len && AllDigits(s, i, i + 2) && atoi(s + i) < 60;
}

/* The narrowest type that can hold this value. */
static CsvType
ValueType(const char *v)
{
	int			len = strlen(v);
	const char *p = v;
	char	   *end;

	if (pg_strcasecmp(v, "true") == 0 || pg_strcasecmp(v, "false") == 0 ||
		pg_strcasecmp(v, "t") == 0 || pg_strcasecmp(v, "f") == 0)
		return CSV_BOOL;
	if (*p == '+' || *p == '-')
		p++;
	if (*p && AllDigits(p, 0, strlen(p)))
	{
		int64		x;

		errno = 0;
		x = strtoll(v, &end, 10);
		if (errno == 0 && *end == '\0')
			return (x >= PG_INT32_MIN && x <= PG_INT32_MAX) ? CSV_INT : CSV_BIGINT;
		return CSV_NUMERIC;		/* a float would lose its digits */
	}
	if (len > 0 && !isspace((unsigned char) v[0]) && !isspace((unsigned char) v[len - 1]))
	{
		errno = 0;
		(void) strtod(v, &end);
		if (*end == '\0' && errno == 0 && strpbrk(v, "0123456789") != NULL &&
			strpbrk(v, "xX") == NULL)
			return CSV_FLOAT;
	}
	if (IsDate(v, len))
		return CSV_DATE;
	if (IsTimestamp(v, len))
		return CSV_TIMESTAMPTZ;
	return CSV_TEXT;
}

/* The type of a column that held values of types a and b. */
static CsvType
Widen(CsvType a, CsvType b)
{
	if (a == CSV_NONE)
		return b;
	if (b == CSV_NONE || a == b)
		return a;
	if ((a == CSV_INT || a == CSV_BIGINT || a == CSV_NUMERIC || a == CSV_FLOAT) &&
		(b == CSV_INT || b == CSV_BIGINT || b == CSV_NUMERIC || b == CSV_FLOAT))
		return Max(a, b);
	if ((a == CSV_DATE && b == CSV_TIMESTAMPTZ) || (a == CSV_TIMESTAMPTZ && b == CSV_DATE))
		return CSV_TIMESTAMPTZ;
	return CSV_TEXT;
}

/* Read a file or a program's output whole, within mlpipe.max_memory. */
static StringInfo
ReadInput(const char *path, bool program)
{
	StringInfo	s = makeStringInfo();
	FILE	   *f;
	char		chunk[65536];
	size_t		n;

	f = program ? OpenPipeStream(path, PG_BINARY_R) : AllocateFile(path, PG_BINARY_R);
	if (f == NULL)
		ereport(ERROR,
				(errcode_for_file_access(),
				 program ?
				 errmsg("could not run program \"%s\": %m", path) :
				 errmsg("could not open file \"%s\" for reading: %m", path)));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
	{
		CHECK_FOR_INTERRUPTS();
		MlpCheckMemory(add_size(s->len, n), "reading the CSV input");
		if ((Size) s->len + n >= MaxAllocSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("CSV input is larger than 1 GB")));
		appendBinaryStringInfo(s, chunk, (int) n);
	}
	if (ferror(f))
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not read \"%s\": %m", path)));
	if (program)
	{
		int			rc = ClosePipeStream(f);

		if (rc != 0)
			ereport(ERROR,
					(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
					 errmsg("program \"%s\" failed", path),
					 errdetail_internal("%s", wait_result_to_str(rc))));
	}
	else
		FreeFile(f);
	return s;
}

/* A column name from the header, or columnN; duplicates get _2, _3, ... */
static char *
ColumnName(List *names, const char *given, int i)
{
	char	   *base = (given && given[0]) ? pstrdup(given) : psprintf("column%d", i + 1);
	char	   *name;
	int			suffix = 1;
	ListCell   *lc;
	bool		clash;

	name = pnstrdup(base, pg_mbcliplen(base, strlen(base), NAMEDATALEN - 1));
	do
	{
		clash = false;
		foreach(lc, names)
			if (strcmp((char *) lfirst(lc), name) == 0)
			clash = true;
		if (clash)
		{
			char	   *tail = psprintf("_%d", ++suffix);
			int			keep = pg_mbcliplen(base, strlen(base),
											NAMEDATALEN - 1 - (int) strlen(tail));

			name = psprintf("%.*s%s", keep, base, tail);
		}
	} while (clash);
	return name;
}

/*
 * mlpipe_load_csv(path, table_name, header, delimiter, null_token, program)
 * -> rows loaded
 */
Datum
mlpipe_load_csv(PG_FUNCTION_ARGS)
{
	char	   *path;
	char	   *table;
	bool		header;
	char	   *delim;
	char	   *null_token;
	bool		program;
	StringInfo	input;
	CsvReader	r;
	List	   *fields;
	List	   *names = NIL;
	CsvType    *types = NULL;
	int			ncols = -1;
	int64		records = 0;
	StringInfoData ddl;
	List	   *options;
	volatile uint64 rows = 0;

	for (int i = 0; i < 6; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("arguments of mlpipe_load_csv must not be NULL")));
	path = text_to_cstring(PG_GETARG_TEXT_PP(0));
	table = text_to_cstring(PG_GETARG_TEXT_PP(1));
	header = PG_GETARG_BOOL(2);
	delim = text_to_cstring(PG_GETARG_TEXT_PP(3));
	null_token = text_to_cstring(PG_GETARG_TEXT_PP(4));
	program = PG_GETARG_BOOL(5);

	/* the same rights as COPY FROM a file or a program */
	if (program && !has_privs_of_role(GetUserId(), ROLE_PG_EXECUTE_SERVER_PROGRAM))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to run a program for mlpipe_load_csv"),
				 errhint("Only roles with privileges of the \"pg_execute_server_program\" role may run programs, as for COPY.")));
	if (!program && !has_privs_of_role(GetUserId(), ROLE_PG_READ_SERVER_FILES))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to read a server file for mlpipe_load_csv"),
				 errhint("Only roles with privileges of the \"pg_read_server_files\" role may read server files, as for COPY; a client can use psql's \\copy into a table instead.")));
	if (strlen(delim) != 1 || delim[0] == '"' || delim[0] == '\n' || delim[0] == '\r')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("delimiter must be a single character other than a quote or newline")));
	if (strchr(null_token, delim[0]) || strchr(null_token, '\n') || strchr(null_token, '\r'))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("null_token must not contain the delimiter or a newline")));
	if (!program && !is_absolute_path(path))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relative path not allowed for mlpipe_load_csv"),
				 errhint("Give the file's absolute path on the database server.")));

	input = ReadInput(path, program);

	/*
	 * The bytes are in client_encoding, as COPY assumes; convert them once,
	 * so the header names and the data agree, and let COPY read them as
	 * server-encoded.
	 */
	{
		char	   *conv = pg_any_to_server(input->data, input->len,
											pg_get_client_encoding());

		if (conv != input->data)
		{
			resetStringInfo(input);
			appendStringInfoString(input, conv);
		}
	}

	/* pass 1: column names, field counts and types */
	memset(&r, 0, sizeof(r));
	r.buf = input->data;
	r.len = input->len;
	r.delim = delim[0];
	r.null_token = null_token;
	r.next_line = 1;
	while (CsvNextRecord(&r, &fields))
	{
		int			i = 0;
		ListCell   *lc;

		CHECK_FOR_INTERRUPTS();
		if (ncols < 0)
		{
			ncols = list_length(fields);
			types = palloc0(sizeof(CsvType) * ncols);
			foreach(lc, fields)
			{
				names = lappend(names, ColumnName(names, header ? lfirst(lc) : NULL, i));
				i++;
			}
			if (header)
				continue;
			i = 0;
		}
		if (list_length(fields) != ncols)
			ereport(ERROR,
					(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
					 errmsg("CSV line %lld has %d fields, the first line has %d",
							(long long) r.line, list_length(fields), ncols)));
		foreach(lc, fields)
		{
			if (lfirst(lc) != NULL)
				types[i] = Widen(types[i], ValueType(lfirst(lc)));
			i++;
		}
		records++;
		foreach(lc, fields)
			if (lfirst(lc) != NULL)
			pfree(lfirst(lc));
		list_free(fields);
	}
	if (ncols < 0)
		ereport(ERROR,
				(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
				 errmsg("CSV input is empty")));

	/* the table, which must be new */
	initStringInfo(&ddl);
	for (int i = 0; i < ncols; i++)
		appendStringInfo(&ddl, "%s%s %s", i ? ", " : "",
						 quote_identifier(list_nth(names, i)), csv_type_names[types[i]]);
	/* pass 2: COPY's own parser loads the same bytes */
	options = list_make5(makeDefElem("format", (Node *) makeString("csv"), -1),
						 makeDefElem("header", (Node *) makeString(header ? "true" : "false"), -1),
						 makeDefElem("delimiter", (Node *) makeString(delim), -1),
						 makeDefElem("null", (Node *) makeString(null_token), -1),
						 makeDefElem("encoding",
									 (Node *) makeString((char *) GetDatabaseEncodingName()), -1));
	copy_buf = input->data;
	copy_len = input->len;
	copy_pos = 0;
	PG_TRY();
	{
		rows = MlpCreateAndCopy(table, ddl.data, CsvSource, options);
	}
	PG_FINALLY();
	{
		copy_buf = NULL;
	}
	PG_END_TRY();
	PG_RETURN_INT64((int64) rows);
}
