/* HDF5 files from bytes, for fuzzing samlab's readers rather than libhdf5's parser (whose own faults on damaged
 * files samlab cannot fix): the bytes describe groups, datasets and attributes, with names and string values
 * mostly from the vocabulary samlab reads, and the file is written by HDF5 itself.
 *
 *   stream := op*
 *   op     := code name [type shape payload]
 *   code   : byte; code % 4: 0 group, 1 dataset, 2 attribute of "/", 3 attribute of the object made last
 *   name   : byte b; b < 240: vocabulary entry b % count; else a literal: a length byte (<= 200), then the bytes
 *   type   : byte t; t % 8: f64, i64, u8, fixed string, variable-length string, f32, i32, u64;
 *            t & 128: a dataset with the Fletcher-32 checksum (samlab_out_checked)
 *   shape  : byte r, rank r % 3 (0: scalar), then per dimension a byte d (d = 255: 255 + two more bytes, big
 *            endian); at most 65536 elements in all (larger shapes are cut)
 *   payload: numbers: their bytes in native order (zeros past the end of the stream); strings: per element a
 *            byte v, v < 224: value vocabulary entry v % count, else a literal as for names
 *
 * fuzz/h5ops.c writes this description of an existing file (to make seeds). */
#ifndef SAMLAB_FUZZ_H5GEN_H
#define SAMLAB_FUZZ_H5GEN_H
#include <stddef.h>
#include <stdint.h>

extern const char *const h5gen_names[];
extern const size_t h5gen_nnames;
extern const char *const h5gen_values[];
extern const size_t h5gen_nvalues;
#define H5GEN_LITERAL_NAME 240
#define H5GEN_LITERAL_VALUE 224
enum { H5GEN_F64, H5GEN_I64, H5GEN_U8, H5GEN_FIXED_STR, H5GEN_VLEN_STR, H5GEN_F32, H5GEN_I32, H5GEN_U64 };
#define H5GEN_CHECKSUM 128
#define H5GEN_MAX_POINTS 65536
#endif
