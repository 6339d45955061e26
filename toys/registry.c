/* The toy registry: the one place that lists the toy landscapes. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "toy_impl.h"
#include "samlab/parse.h"

#define TOYS(X) X(quartic) X(wsam_kl) X(quadratic) X(rosenbrock) X(infosam_amd) X(asym_valley) X(lsq) X(logreg)
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

samlab_problem *samlab_toy_make(void *spec, char *err, size_t errlen)
{
  const samlab_toy_spec *s = spec;
  return samlab_toy_create(s->name, s->opts, err, errlen);
}

static void free_plain(void *ctx)
{
  free(ctx);
}

/* A toy problem and its capability tables in one allocation, freed by samlab_problem_free. */
typedef struct toy_problem {
  samlab_problem p; /* first: the problem's address is the allocation's */
  samlab_landscape landscape;
  samlab_batching batching;
} toy_problem;

samlab_problem *samlab_toy_problem(const char *name, size_t dim, void *ctx,
                                   double (*value_grad)(void *, const double *, double *),
                                   void (*hessian)(void *, const double *, double *), void (*free_ctx)(void *))
{
  toy_problem *t = calloc(1, sizeof *t);
  if (!t)
    return NULL;
  samlab_problem *p = &t->p;
  p->name = name;
  p->dim = dim;
  p->ctx = ctx;
  p->value_grad = value_grad;
  p->free = free_ctx ? free_ctx : free_plain;
  t->landscape.hessian = hessian;
  p->landscape = &t->landscape;
  return p;
}

samlab_landscape *samlab_toy_landscape(samlab_problem *p)
{
  return &((toy_problem *)p)->landscape;
}

void samlab_toy_batching(samlab_problem *p, int (*set_batch)(void *ctx, const size_t *idx, size_t n), size_t examples)
{
  toy_problem *t = (toy_problem *)p;
  t->batching = (samlab_batching){.set_batch = set_batch, .examples = examples};
  p->batching = &t->batching;
}

int samlab_toy_opt_next(const char *toy, const char **cursor, char *key, size_t keylen, char *value,
                        size_t valuelen, char *err, size_t errlen)
{
  const char *s = *cursor;
  while (s && *s == ';')
    s++;
  if (!s || !*s)
    return 0;
  size_t len = strcspn(s, ";");
  const char *eq = memchr(s, '=', len);
  if (!eq) {
    snprintf(err, errlen, "bad toy option '%.*s' for %s: expected key=value", (int)len, s, toy);
    return -1;
  }
  size_t kl = (size_t)(eq - s), vl = len - kl - 1;
  if (kl >= keylen || vl >= valuelen) {
    snprintf(err, errlen, "toy option '%.*s' for %s is too long", (int)len, s, toy);
    return -1;
  }
  memcpy(key, s, kl);
  key[kl] = 0;
  memcpy(value, eq + 1, vl);
  value[vl] = 0;
  *cursor = s + len;
  return 1;
}

int samlab_toy_no_options(const char *toy, const char *opts, char *err, size_t errlen)
{
  if (!opts || !*opts)
    return 0;
  snprintf(err, errlen, "function %s takes no toy options (got '%s')", toy, opts);
  return -1;
}

int samlab_toy_bad_option(const char *toy, const char *key, const char *known, char *err, size_t errlen)
{
  snprintf(err, errlen, "unknown toy option '%s' for %s (options: %s)", key, toy, known);
  return -1;
}

int samlab_toy_doubles(const char *toy, const char *key, const char *text, double *out, int max, char *err,
                       size_t errlen)
{
  int n = 0;
  const char *s = text;
  for (;;) {
    const char *end;
    char why[128];
    double v;
    if (samlab_parse_double_prefix(s, &v, &end, why, sizeof why) != 0 || (*end && *end != ',')) {
      snprintf(err, errlen, "bad value '%s' for toy option %s of %s: expected comma-separated numbers", text, key,
               toy);
      return -1;
    }
    if (n >= max) {
      snprintf(err, errlen, "bad value '%s' for toy option %s of %s: more than %d numbers", text, key, toy, max);
      return -1;
    }
    out[n++] = v;
    if (!*end)
      return n;
    s = end + 1;
  }
}
