/* samlab/toy.h: the toy landscapes (toys/), each a problem with a landscape capability, found by name. */
#ifndef SAMLAB_TOY_H
#define SAMLAB_TOY_H
#include <stddef.h>
#include "samlab/problem.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Toys by name: quartic, wsam-kl, quadratic, rosenbrock ...  opts is the toy's own option string
 * (for quadratic: "diag=1,10" or "file=A.txt"), may be NULL.  NULL with a message on error. */
typedef struct samlab_toy_type {
  const char *name;
  const char *formula;
  size_t default_dim;
  samlab_problem *(*create)(const char *opts, char *err, size_t errlen);
} samlab_toy_type;
extern const samlab_toy_type *const samlab_toy_types[]; /* NULL-terminated */
const samlab_toy_type *samlab_toy_find(const char *name);
samlab_problem *samlab_toy_create(const char *name, const char *opts, char *err, size_t errlen);
/* A toy by name and options, as a problem factory (samlab_sweep's make_problem, with arg a samlab_toy_spec). */
typedef struct samlab_toy_spec {
  const char *name, *opts;
} samlab_toy_spec;
samlab_problem *samlab_toy_make(void *spec, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
