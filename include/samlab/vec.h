/* samlab/vec.h: the version, and the vector operations every part of samlab sums with (one summation order:
 * the same bits wherever a dot product is taken).  Vectors are contiguous double arrays; norms are L2. */
#ifndef SAMLAB_VEC_H
#define SAMLAB_VEC_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SAMLAB_VERSION "0.1.0"
#define SAMLAB_EPS 1e-12 /* the guard in every x / (||x|| + EPS) */

double samlab_dot(size_t n, const double *x, const double *y);
double samlab_norm(size_t n, const double *x);
/* y = x widened to double, returning y.y as samlab_dot(n, y, y) gives it, in one pass. */
double samlab_widen_sumsq(size_t n, const float *x, double *y);
/* x.x of a float32 vector, in double: what samlab_widen_sumsq returns, without writing y. */
double samlab_sumsq_f32(size_t n, const float *x);
/* x.y and y.y in one pass, each equal to what samlab_dot gives. */
void samlab_dot_pair(size_t n, const double *x, const double *y, double *xy, double *yy);
void samlab_axpy(size_t n, double a, const double *x, double *y);        /* y += a x */
void samlab_scale(size_t n, double a, double *x);                        /* x *= a */
void samlab_copy(size_t n, const double *x, double *y);                  /* y = x */
/* Zeroed n x size bytes for large arrays (2 MiB pages where Linux gives them); free() releases it. */
void *samlab_big_calloc(size_t n, size_t size);
int samlab_all_finite(size_t n, const double *x);


#ifdef __cplusplus
}
#endif
#endif
