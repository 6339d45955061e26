/* What the data-set types of lib/data share (internal to lib/data). */
#ifndef SAMLAB_DATA_IMPL_H
#define SAMLAB_DATA_IMPL_H
#include <stddef.h>
#include "samlab/train.h"

/* x[i] = bytes[i] / 255 in float: the one pixel scaling of every type. */
void data_scale_bytes(const unsigned char *bytes, size_t n, float *x);
#endif
