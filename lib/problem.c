/* The problem interface: thin wrappers so callers need not test optional capabilities. */
#include <stdlib.h>
#include "samlab/vec.h"
#include "samlab/problem.h"

double samlab_problem_value_grad(const samlab_problem *p, const double *w, double *g)
{
  return p->value_grad(p->ctx, w, g);
}

double samlab_problem_value_grad_shifted(const samlab_problem *p, const double *w, double s, const double *d,
                                         double *g, double *scratch)
{
  if (p->fused && p->fused->value_grad_shifted)
    return p->fused->value_grad_shifted(p->ctx, w, s, d, g);
  for (size_t i = 0; i < p->dim; i++)
    scratch[i] = w[i] + s * d[i];
  return p->value_grad(p->ctx, scratch, g);
}

double samlab_problem_value_grad_gg(const samlab_problem *p, const double *w, double *g, double *gg)
{
  if (p->fused && p->fused->value_grad_gg)
    return p->fused->value_grad_gg(p->ctx, w, g, gg);
  double loss = p->value_grad(p->ctx, w, g);
  *gg = samlab_dot(p->dim, g, g);
  return loss;
}

int samlab_problem_hvp(const samlab_problem *p, const double *w, const double *v, double *hv)
{
  if (p->hvp) {
    p->hvp(p->ctx, w, v, hv);
    return 0;
  }
  const samlab_landscape *l = samlab_problem_landscape(p);
  if (!l->hessian)
    return -1;
  size_t n = p->dim;
  double *H = malloc(n * n * sizeof *H);
  if (!H)
    return -1;
  l->hessian(p->ctx, w, H);
  for (size_t i = 0; i < n; i++)
    hv[i] = samlab_dot(n, H + i * n, v);
  free(H);
  return 0;
}

int samlab_problem_set_batch(const samlab_problem *p, const size_t *idx, size_t n)
{
  return p->batching ? p->batching->set_batch(p->ctx, idx, n) : -1;
}

size_t samlab_problem_examples(const samlab_problem *p)
{
  return p->batching ? p->batching->examples : 0;
}

const samlab_landscape *samlab_problem_landscape(const samlab_problem *p)
{
  static const samlab_landscape none = {0};
  return p->landscape ? p->landscape : &none;
}

void samlab_problem_free(samlab_problem *p)
{
  if (!p)
    return;
  if (p->free)
    p->free(p->ctx);
  free(p);
}
