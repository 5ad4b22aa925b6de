/*
 * format.h
 *	  The mlpipe model format: a versioned, checksummed container of sections.
 *
 * This file and format.c are plain C (no PostgreSQL backend calls) so that
 * the reader can be compiled alone and fuzzed.  Every multi-byte value is
 * stored little-endian, whatever the host.
 *
 * Layout:
 *	  0  magic "MLPM"
 *	  4  u16 format version
 *	  6  u16 algorithm id
 *	  8  u8  task
 *	  9  u8  reserved (0)
 *	 10  u16 number of sections
 *	 12  u32 total length in bytes, checksum included
 *	 16  sections: u16 id, u16 reserved (0), u32 payload length, payload
 * end-4 u32 CRC-32C of every byte before it
 */
#ifndef MLPIPE_FORMAT_H
#define MLPIPE_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define MLP_MAGIC			"MLPM"
#define MLP_FORMAT_VERSION	1
#define MLP_HEADER_SIZE		16
#define MLP_SECTION_HEADER	8
#define MLP_TRAILER_SIZE	4

/* section ids */
#define MLP_SEC_FEATURES	1
#define MLP_SEC_TARGET		2
#define MLP_SEC_ESTIMATOR	3
#define MLP_SEC_MAX			3

/* a growable output buffer; grow() has realloc() semantics */
typedef struct MlpWriter
{
	uint8_t    *buf;
	size_t		len;
	size_t		cap;
	void	   *(*grow) (void *ptr, size_t size);
	bool		failed;
	size_t		section_start;	/* offset of the open section's header */
	uint16_t	nsections;
} MlpWriter;

/* a bounds-checked reader over one byte range */
typedef struct MlpCursor
{
	const uint8_t *p;
	size_t		len;
	size_t		pos;
	bool		failed;
} MlpCursor;

/* what mlp_model_parse found */
typedef struct MlpModelView
{
	uint16_t	version;
	uint16_t	algorithm;
	uint8_t		task;
	const uint8_t *section[MLP_SEC_MAX + 1];
	uint32_t	section_len[MLP_SEC_MAX + 1];
} MlpModelView;

extern uint32_t mlp_crc32c(uint32_t crc, const void *data, size_t len);

extern void mlp_writer_init(MlpWriter *w, void *(*grow) (void *, size_t));
extern void mlp_put_bytes(MlpWriter *w, const void *data, size_t len);
extern void mlp_put_u8(MlpWriter *w, uint8_t v);
extern void mlp_put_u16(MlpWriter *w, uint16_t v);
extern void mlp_put_u32(MlpWriter *w, uint32_t v);
extern void mlp_put_f64(MlpWriter *w, double v);
extern void mlp_put_str(MlpWriter *w, const char *s);
extern void mlp_begin_model(MlpWriter *w, uint16_t algorithm, uint8_t task);
extern void mlp_begin_section(MlpWriter *w, uint16_t id);
extern void mlp_end_section(MlpWriter *w);
extern void mlp_finish_model(MlpWriter *w);

extern void mlp_cursor_init(MlpCursor *c, const uint8_t *p, size_t len);
extern bool mlp_get_u8(MlpCursor *c, uint8_t *v);
extern bool mlp_get_u16(MlpCursor *c, uint16_t *v);
extern bool mlp_get_u32(MlpCursor *c, uint32_t *v);
extern bool mlp_get_f64(MlpCursor *c, double *v);
extern bool mlp_get_str(MlpCursor *c, const char **s, uint32_t *len);
extern bool mlp_cursor_done(const MlpCursor *c);

extern bool mlp_model_parse(const uint8_t *data, size_t len,
							MlpModelView *view, const char **error);

#endif							/* MLPIPE_FORMAT_H */
