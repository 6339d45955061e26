/* Internal: the one summation order of libsamlab's long sums (samlab_dot and every pass that also sums).
 * Sums run in eight interleaved partial sums: one running sum waits an add's latency per element, eight
 * keep pace with memory.  The order is fixed in the source (no -ffast-math reassociation), so a result does
 * not depend on the compiler, and for n <= 8 it is the plain left-to-right sum (n = 2: x0 y0 + x1 y1).
 * Every sum of this kind runs through LANE_LOOP, so sums of the same terms agree bit for bit. */
#ifndef SAMLAB_LANES_H
#define SAMLAB_LANES_H
#include <stddef.h>

#define LANES 8

/* STMT for every element j in [0, n), with k = j % LANES the partial sum it goes into. */
#define LANE_LOOP(n, STMT)                                                                                         \
  do {                                                                                                             \
    size_t i_ = 0;                                                                                                 \
    for (; i_ + LANES <= (n); i_ += LANES)                                                                         \
      _Pragma("GCC unroll 8") for (int k = 0; k < LANES; k++)                                                     \
      {                                                                                                            \
        size_t j = i_ + (size_t)k;                                                                                 \
        STMT;                                                                                                      \
      }                                                                                                            \
    for (int k = 0; i_ < (n); i_++, k++) {                                                                         \
      size_t j = i_;                                                                                               \
      STMT;                                                                                                        \
    }                                                                                                              \
  } while (0)

static inline double lanes_total(const double s[LANES])
{
  return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}
#endif
