/* For toy implementations only: building a problem from plain functions. */
#ifndef SAMLAB_TOY_IMPL_H
#define SAMLAB_TOY_IMPL_H
#include <gsl/gsl_rng.h>
#include "samlab/vec.h"
#include "samlab/problem.h"
#include "samlab/toy.h"

/* A heap-allocated problem with the given members; ctx is freed with free() unless free_ctx is given. */
samlab_problem *samlab_toy_problem(const char *name, size_t dim, void *ctx,
                                   double (*value_grad)(void *, const double *, double *),
                                   void (*hessian)(void *, const double *, double *), void (*free_ctx)(void *));
/* The landscape of a problem made by samlab_toy_problem (its points, the sweep kernel), to fill in. */
samlab_landscape *samlab_toy_landscape(samlab_problem *p);
/* Gives a problem made by samlab_toy_problem the batching capability (data toys: examples > 0; noisy toys:
 * examples 0, set_batch redraws the noise). */
void samlab_toy_batching(samlab_problem *p, int (*set_batch)(void *ctx, const size_t *idx, size_t n), size_t examples);
/* Toy options are "key=value" pairs separated by ';' (values may hold commas: "diag=1,10").
 * Iterates: *cursor starts at opts (may be NULL); each call copies the next key and value and returns 1, or 0
 * at the end.  Returns -1 with a message in err on a pair without '=' or one too long. */
int samlab_toy_opt_next(const char *toy, const char **cursor, char *key, size_t keylen, char *value,
                        size_t valuelen, char *err, size_t errlen);
/* For toys without options: 0 if opts is NULL or empty, else -1 with a message naming them. */
int samlab_toy_no_options(const char *toy, const char *opts, char *err, size_t errlen);
/* The error for an unknown key, listing the toy's keys ("diag=A1,A2,... or file=PATH"). */
int samlab_toy_bad_option(const char *toy, const char *key, const char *known, char *err, size_t errlen);
/* Comma-separated finite numbers of option key into out (at most max); the count, or -1 with a message. */
int samlab_toy_doubles(const char *toy, const char *key, const char *text, double *out, int max, char *err,
                       size_t errlen);

/* Gradient noise (toys/noise.c): xi ~ N(0, diag(sd^2)), redrawn by samlab_toy_noise_batch (idx == NULL: xi = 0,
 * the exact gradient), added to a gradient by samlab_toy_noise_add.  The loss value stays the noise-free f. */
typedef struct samlab_toy_noise {
  gsl_rng *rng;
  size_t dim;
  double *sd, *xi; /* into v[] */
  double v[];
} samlab_toy_noise;
samlab_toy_noise *samlab_toy_noise_alloc(size_t dim, const double *sd, unsigned long seed);
int samlab_toy_noise_batch(samlab_toy_noise *z, const size_t *idx, size_t n);
void samlab_toy_noise_add(const samlab_toy_noise *z, double *g);
void samlab_toy_noise_free(samlab_toy_noise *z);
#endif
