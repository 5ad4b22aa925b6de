/*
 * format.c
 *	  Writer and validating reader of the mlpipe model format.
 *
 * Plain C on purpose: no palloc, no ereport, so test/fuzz can link it alone.
 * The reader trusts nothing: every length is checked against what is left
 * before it is used, and the checksum is verified before any section is
 * looked at.
 */
#include "format.h"

#include <string.h>

static uint32_t crc_table[256];
static bool crc_table_ready = false;

/* Build the reflected CRC-32C (Castagnoli) table once. */
static void
CrcTableInit(void)
{
	for (uint32_t i = 0; i < 256; i++)
	{
		uint32_t	c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		crc_table[i] = c;
	}
	crc_table_ready = true;
}

/* CRC-32C over data, continuing from crc (start with 0). */
uint32_t
mlp_crc32c(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (!crc_table_ready)
		CrcTableInit();
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* Start an empty buffer that grows through the caller's allocator. */
void
mlp_writer_init(MlpWriter *w, void *(*grow) (void *, size_t))
{
	memset(w, 0, sizeof(*w));
	w->grow = grow;
}

/* Make room for need more bytes; a failed allocation poisons the writer. */
static bool
WriterReserve(MlpWriter *w, size_t need)
{
	size_t		newcap;
	uint8_t    *nb;

	if (w->failed)
		return false;
	if (need > SIZE_MAX - w->len)
	{
		w->failed = true;
		return false;
	}
	if (w->len + need <= w->cap)
		return true;
	newcap = w->cap ? w->cap : 256;
	while (newcap < w->len + need)
	{
		if (newcap > SIZE_MAX / 2)
		{
			w->failed = true;
			return false;
		}
		newcap *= 2;
	}
	nb = w->grow(w->buf, newcap);
	if (nb == NULL)
	{
		w->failed = true;
		return false;
	}
	w->buf = nb;
	w->cap = newcap;
	return true;
}

/* Append raw bytes. */
void
mlp_put_bytes(MlpWriter *w, const void *data, size_t len)
{
	if (!WriterReserve(w, len))
		return;
	if (len > 0)
		memcpy(w->buf + w->len, data, len);
	w->len += len;
}

/* Append one byte. */
void
mlp_put_u8(MlpWriter *w, uint8_t v)
{
	mlp_put_bytes(w, &v, 1);
}

/* Append a little-endian u16. */
void
mlp_put_u16(MlpWriter *w, uint16_t v)
{
	uint8_t		b[2] = {(uint8_t) v, (uint8_t) (v >> 8)};

	mlp_put_bytes(w, b, 2);
}

/* Append a little-endian u32. */
void
mlp_put_u32(MlpWriter *w, uint32_t v)
{
	uint8_t		b[4];

	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t) (v >> (8 * i));
	mlp_put_bytes(w, b, 4);
}

/* Append a double as its little-endian IEEE bits. */
void
mlp_put_f64(MlpWriter *w, double v)
{
	uint64_t	u;
	uint8_t		b[8];

	memcpy(&u, &v, 8);
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t) (u >> (8 * i));
	mlp_put_bytes(w, b, 8);
}

/* Strings are a u32 length and the bytes, without a terminator. */
void
mlp_put_str(MlpWriter *w, const char *s)
{
	size_t		n = strlen(s);

	if (n > UINT32_MAX)
	{
		w->failed = true;
		return;
	}
	mlp_put_u32(w, (uint32_t) n);
	mlp_put_bytes(w, s, n);
}

/* Overwrite a u16/u32 already written at offset off. */
static void
PatchU16(MlpWriter *w, size_t off, uint16_t v)
{
	w->buf[off] = (uint8_t) v;
	w->buf[off + 1] = (uint8_t) (v >> 8);
}

/* Overwrite a u32 written earlier (lengths known only later). */
static void
PatchU32(MlpWriter *w, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		w->buf[off + i] = (uint8_t) (v >> (8 * i));
}

/* Write the header; counts and length are patched by mlp_finish_model. */
void
mlp_begin_model(MlpWriter *w, uint16_t algorithm, uint8_t task)
{
	mlp_put_bytes(w, MLP_MAGIC, 4);
	mlp_put_u16(w, MLP_FORMAT_VERSION);
	mlp_put_u16(w, algorithm);
	mlp_put_u8(w, task);
	mlp_put_u8(w, 0);
	mlp_put_u16(w, 0);
	mlp_put_u32(w, 0);
}

/* Open a section; its length is patched by mlp_end_section. */
void
mlp_begin_section(MlpWriter *w, uint16_t id)
{
	w->section_start = w->len;
	mlp_put_u16(w, id);
	mlp_put_u16(w, 0);
	mlp_put_u32(w, 0);
}

/* Close the open section, writing its payload length. */
void
mlp_end_section(MlpWriter *w)
{
	size_t		payload;

	if (w->failed)
		return;
	payload = w->len - w->section_start - MLP_SECTION_HEADER;
	if (payload > UINT32_MAX || w->nsections == UINT16_MAX)
	{
		w->failed = true;
		return;
	}
	PatchU32(w, w->section_start + 4, (uint32_t) payload);
	w->nsections++;
}

/* Patch the section count and total length, then append the checksum. */
void
mlp_finish_model(MlpWriter *w)
{
	size_t		total;

	if (w->failed || w->len < MLP_HEADER_SIZE)
	{
		w->failed = true;
		return;
	}
	total = w->len + MLP_TRAILER_SIZE;
	if (total > UINT32_MAX)
	{
		w->failed = true;
		return;
	}
	PatchU16(w, 10, w->nsections);
	PatchU32(w, 12, (uint32_t) total);
	mlp_put_u32(w, mlp_crc32c(0, w->buf, w->len));
}

/* A cursor over len bytes at p. */
void
mlp_cursor_init(MlpCursor *c, const uint8_t *p, size_t len)
{
	c->p = p;
	c->len = len;
	c->pos = 0;
	c->failed = false;
}

/* Claim n bytes from the cursor, or fail without moving. */
static const uint8_t *
CursorTake(MlpCursor *c, size_t n)
{
	const uint8_t *r;

	if (c->failed || n > c->len - c->pos)
	{
		c->failed = true;
		return NULL;
	}
	r = c->p + c->pos;
	c->pos += n;
	return r;
}

/* Read one byte, or fail. */
bool
mlp_get_u8(MlpCursor *c, uint8_t *v)
{
	const uint8_t *b = CursorTake(c, 1);

	if (b == NULL)
		return false;
	*v = b[0];
	return true;
}

/* Read a little-endian u16, or fail. */
bool
mlp_get_u16(MlpCursor *c, uint16_t *v)
{
	const uint8_t *b = CursorTake(c, 2);

	if (b == NULL)
		return false;
	*v = (uint16_t) (b[0] | (b[1] << 8));
	return true;
}

/* Read a little-endian u32, or fail. */
bool
mlp_get_u32(MlpCursor *c, uint32_t *v)
{
	const uint8_t *b = CursorTake(c, 4);

	if (b == NULL)
		return false;
	*v = (uint32_t) b[0] | ((uint32_t) b[1] << 8) |
		((uint32_t) b[2] << 16) | ((uint32_t) b[3] << 24);
	return true;
}

/* Read a double from its little-endian IEEE bits, or fail. */
bool
mlp_get_f64(MlpCursor *c, double *v)
{
	const uint8_t *b = CursorTake(c, 8);
	uint64_t	u = 0;

	if (b == NULL)
		return false;
	for (int i = 7; i >= 0; i--)
		u = (u << 8) | b[i];
	memcpy(v, &u, 8);
	return true;
}

/* A string is returned as a pointer into the buffer; NUL bytes are refused. */
bool
mlp_get_str(MlpCursor *c, const char **s, uint32_t *len)
{
	uint32_t	n;
	const uint8_t *b;

	if (!mlp_get_u32(c, &n))
		return false;
	b = CursorTake(c, n);
	if (b == NULL || memchr(b, 0, n) != NULL)
	{
		c->failed = true;
		return false;
	}
	*s = (const char *) b;
	*len = n;
	return true;
}

/* True when every byte was consumed and nothing failed. */
bool
mlp_cursor_done(const MlpCursor *c)
{
	return !c->failed && c->pos == c->len;
}

/*
 * Validate a whole model and locate its sections.  Returns false and sets
 * *error to a static message on any inconsistency.
 */
bool
mlp_model_parse(const uint8_t *data, size_t len, MlpModelView *view,
				const char **error)
{
	MlpCursor	c;
	uint16_t	nsections;
	uint32_t	total;
	uint32_t	stored_crc;
	uint8_t		reserved;

	memset(view, 0, sizeof(*view));
	if (data == NULL || len < MLP_HEADER_SIZE + MLP_TRAILER_SIZE)
	{
		*error = "model is shorter than its header";
		return false;
	}
	if (memcmp(data, MLP_MAGIC, 4) != 0)
	{
		*error = "model has a bad magic number";
		return false;
	}
	mlp_cursor_init(&c, data, len);
	c.pos = 4;
	mlp_get_u16(&c, &view->version);
	mlp_get_u16(&c, &view->algorithm);
	mlp_get_u8(&c, &view->task);
	mlp_get_u8(&c, &reserved);
	mlp_get_u16(&c, &nsections);
	mlp_get_u32(&c, &total);
	if (view->version != MLP_FORMAT_VERSION)
	{
		*error = "model has an unsupported format version";
		return false;
	}
	if (total != len)
	{
		*error = "model length does not match its header";
		return false;
	}
	stored_crc = (uint32_t) data[len - 4] | ((uint32_t) data[len - 3] << 8) |
		((uint32_t) data[len - 2] << 16) | ((uint32_t) data[len - 1] << 24);
	if (mlp_crc32c(0, data, len - 4) != stored_crc)
	{
		*error = "model checksum does not match";
		return false;
	}
	if (reserved != 0)
	{
		*error = "model header has nonzero reserved bits";
		return false;
	}

	/* walk the sections; they must tile the body exactly */
	c.len = len - MLP_TRAILER_SIZE;
	for (uint16_t i = 0; i < nsections; i++)
	{
		uint16_t	id;
		uint16_t	pad;
		uint32_t	slen;
		const uint8_t *payload;

		if (!mlp_get_u16(&c, &id) || !mlp_get_u16(&c, &pad) ||
			!mlp_get_u32(&c, &slen))
		{
			*error = "model section header is truncated";
			return false;
		}
		if (id == 0 || id > MLP_SEC_MAX || pad != 0)
		{
			*error = "model has an unknown section";
			return false;
		}
		if (view->section[id] != NULL)
		{
			*error = "model has a duplicate section";
			return false;
		}
		payload = CursorTake(&c, slen);
		if (payload == NULL)
		{
			*error = "model section overruns the model";
			return false;
		}
		view->section[id] = payload;
		view->section_len[id] = slen;
	}
	if (c.pos != c.len)
	{
		*error = "model has trailing bytes after its sections";
		return false;
	}
	for (int id = 1; id <= MLP_SEC_MAX; id++)
	{
		if (view->section[id] == NULL)
		{
			*error = "model lacks a required section";
			return false;
		}
	}
	return true;
}
