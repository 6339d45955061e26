/* The toy registry: the one place that lists the toy landscapes. */
#include <stdlib.h>
#include <string.h>
#include "toy_impl.h"

#define TOYS(X) X(quartic) X(wsam_kl)
#define DECLARE(name) extern const samlab_toy_type samlab_toy_##name;
TOYS(DECLARE)
#define ENTRY(name) &samlab_toy_##name,
const samlab_toy_type *const samlab_toy_types[] = {TOYS(ENTRY) NULL};

const samlab_toy_type *samlab_toy_find(const char *name)
{
  for (size_t i = 0; samlab_toy_types[i]; i++)
    if (strcmp(samlab_toy_types[i]->name, name) == 0)
      return samlab_toy_types[i];
  return NULL;
}

samlab_problem *samlab_toy_create(const char *name, const char *opts, char *err, size_t errlen)
{
  const samlab_toy_type *t = samlab_toy_find(name);
  if (!t) {
    char list[512] = "";
    for (size_t i = 0; samlab_toy_types[i]; i++) {
      strncat(list, samlab_toy_types[i]->name, sizeof list - strlen(list) - 3);
      if (samlab_toy_types[i + 1])
        strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    snprintf(err, errlen, "unknown function '%s' (functions: %s)", name, list);
    return NULL;
  }
  return t->create(opts, err, errlen);
}

static void free_plain(void *ctx)
{
  free(ctx);
}

samlab_problem *samlab_toy_problem(const char *name, size_t dim, void *ctx,
                                   double (*value_grad)(void *, const double *, double *),
                                   void (*hessian)(void *, const double *, double *), void (*free_ctx)(void *))
{
  samlab_problem *p = calloc(1, sizeof *p);
  if (!p)
    return NULL;
  p->name = name;
  p->dim = dim;
  p->ctx = ctx;
  p->value_grad = value_grad;
  p->hessian = hessian;
  p->free = free_ctx ? free_ctx : free_plain;
  return p;
}
