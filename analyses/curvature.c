/* Curvature operators as problems: the Hessian, the generalised Gauss-Newton J^T H_L J or the empirical Fisher
 * (1/n) sum_i g_i g_i^T of a problem at a point, optionally restricted to one block of the weights (a layer's
 * diagonal block), wrapped as a problem whose HVP is that operator, so that every spectrum function (Lanczos,
 * power, Hutchinson, Hutch++, SLQ, the dense matrix) runs on it unchanged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "samlab/vec.h"
#include "samlab/problem.h"
#include "samlab/train.h"
#include "samlab/analyses.h"

static const char *const operator_names[] = {"hessian", "ggn", "fisher"};

int samlab_operator_parse(const char *name)
{
  for (int i = 0; i < 3; i++)
    if (strcmp(name, operator_names[i]) == 0)
      return i;
  return -1;
}

const char *samlab_operator_name(int op)
{
  return op >= 0 && op < 3 ? operator_names[op] : "?";
}

int samlab_operator_vp(const samlab_problem *p, int op, const double *w, const double *v, double *out)
{
  if (op == SAMLAB_OP_HESSIAN)
    return samlab_problem_hvp(p, w, v, out);
  void (*fn)(void *, const double *, const double *, double *) =
      !p->curvature ? NULL : op == SAMLAB_OP_GGN ? p->curvature->ggn_vp : op == SAMLAB_OP_FISHER ? p->curvature->fisher_vp
                                                                                                    : NULL;
  if (!fn)
    return -1;
  fn(p->ctx, w, v, out);
  return 0;
}

/* The view: the full point with the block's coordinates taken from the view's, directions embedded by zeros. */
typedef struct {
  const samlab_problem *p;
  int op;
  size_t off, n;
  double *full, *v, *out; /* dim each */
} view;

static void view_point(view *c, const double *x)
{
  memcpy(c->full + c->off, x, c->n * sizeof *x);
}

static double view_vg(void *ctx, const double *x, double *g)
{
  view *c = ctx;
  view_point(c, x);
  double f = samlab_problem_value_grad(c->p, c->full, g ? c->out : NULL);
  if (g)
    memcpy(g, c->out + c->off, c->n * sizeof *g);
  return f;
}

static void view_hvp(void *ctx, const double *x, const double *v, double *hv)
{
  view *c = ctx;
  view_point(c, x);
  memcpy(c->v + c->off, v, c->n * sizeof *v);
  if (samlab_operator_vp(c->p, c->op, c->full, c->v, c->out) != 0)
    for (size_t i = 0; i < c->n; i++)
      c->out[c->off + i] = NAN;
  memcpy(hv, c->out + c->off, c->n * sizeof *hv);
}

static void view_free(void *ctx)
{
  view *c = ctx;
  free(c->full);
  free(c->v);
  free(c->out);
  free(c);
}

/* The block called name: a network's "conv1.W", "dense2.b" ..., or a whole layer "dense2" (its W and b, which lie
 * side by side).  0, or -1 with the valid names in err. */
static int find_block(const samlab_problem *p, const char *name, size_t *off, size_t *n, char *err, size_t errlen)
{
  char bname[64], list[1024] = "";
  size_t boff, bn, len = 0;
  for (size_t i = 0; samlab_net_block(p, i, bname, sizeof bname, &boff, &bn) == 0; i++) {
    size_t k = strlen(name);
    if (strcmp(bname, name) == 0) {
      *off = boff, *n = bn;
      return 0;
    }
    if (strncmp(bname, name, k) == 0 && bname[k] == '.' && bname[k + 1] == 'W') {
      size_t boff2, bn2; /* the layer: W then b */
      char b2[64];
      samlab_net_block(p, i + 1, b2, sizeof b2, &boff2, &bn2);
      *off = boff, *n = bn + bn2;
      return 0;
    }
    len += (size_t)snprintf(list + len, len < sizeof list ? sizeof list - len : 0, "%s%s", i ? ", " : "", bname);
  }
  snprintf(err, errlen, "no block '%s' in %s: one of %s, or a layer name (conv1, dense1, ...)", name, p->name, list);
  return -1;
}

samlab_problem *samlab_operator_view(const samlab_problem *p, const double *w, int op, const char *block,
                                     double **w_view, char *err, size_t errlen)
{
  if (op < 0 || op > 2) {
    snprintf(err, errlen, "unknown operator %d (hessian, ggn, fisher)", op);
    return NULL;
  }
  if (op == SAMLAB_OP_HESSIAN && !p->hvp && !samlab_problem_landscape(p)->hessian) {
    snprintf(err, errlen, "problem %s has no Hessian-vector product", p->name);
    return NULL;
  }
  if (op != SAMLAB_OP_HESSIAN &&
      (!p->curvature || !(op == SAMLAB_OP_GGN ? p->curvature->ggn_vp : p->curvature->fisher_vp))) {
    snprintf(err, errlen, "problem %s cannot give the %s (networks with softmax cross-entropy only)", p->name,
             op == SAMLAB_OP_GGN ? "generalised Gauss-Newton matrix" : "empirical Fisher");
    return NULL;
  }
  size_t off = 0, n = p->dim;
  if (block) {
    if (!samlab_net_is(p)) {
      snprintf(err, errlen, "a block ('%s') needs a network; problem %s has no layers", block, p->name);
      return NULL;
    }
    if (find_block(p, block, &off, &n, err, errlen) != 0)
      return NULL;
  }
  view *c = calloc(1, sizeof *c);
  samlab_problem *q = calloc(1, sizeof *q);
  double *x = malloc(n * sizeof *x);
  if (c) {
    c->full = malloc(p->dim * sizeof *c->full);
    c->v = calloc(p->dim, sizeof *c->v);
    c->out = malloc(p->dim * sizeof *c->out);
  }
  if (!c || !q || !x || !c->full || !c->v || !c->out) {
    if (c)
      view_free(c);
    free(q);
    free(x);
    snprintf(err, errlen, "out of memory for dimension %zu", p->dim);
    return NULL;
  }
  *c = (view){p, op, off, n, c->full, c->v, c->out};
  memcpy(c->full, w, p->dim * sizeof *w);
  memcpy(x, w + off, n * sizeof *x);
  *q = (samlab_problem){.name = p->name, .dim = n, .ctx = c, .value_grad = view_vg, .hvp = view_hvp,
                        .free = view_free};
  *w_view = x;
  return q;
}
