/* For toy implementations only: building a problem from plain functions. */
#ifndef SAMLAB_TOY_IMPL_H
#define SAMLAB_TOY_IMPL_H
#include "samlab.h"

/* A heap-allocated problem with the given members; ctx is freed with free() unless free_ctx is given. */
samlab_problem *samlab_toy_problem(const char *name, size_t dim, void *ctx,
                                   double (*value_grad)(void *, const double *, double *),
                                   void (*hessian)(void *, const double *, double *), void (*free_ctx)(void *));
#endif
