/* Random directions for loss-landscape slices: filter-normalised for networks (Li et al. 2018), unit-norm for
 * toys.  The network's layer table comes from lib/net_impl.h (libsamlab-internal). */
#include <gsl/gsl_randist.h>
#include <math.h>
#include "net_impl.h"

/* Each filter (a row of W for dense layers, one output channel's kernel for conv) of d gets the norm of the same
 * filter of w; biases are zeroed, as the loss-landscape tool's default ignores them. */
static void filter_normalise(const net_ctx *c, const double *w, double *d)
{
  for (int l = 0; l < c->nlayers; l++) {
    const net_layer *L = &c->layer[l];
    if (L->kind != NET_DENSE && L->kind != NET_CONV)
      continue;
    size_t nf = L->kind == NET_CONV ? L->oc : L->out;
    for (size_t f = 0; f < nf; f++) {
      size_t off = L->woff + f * L->fan_in;
      double nd = samlab_norm(L->fan_in, d + off), nw = samlab_norm(L->fan_in, w + off);
      samlab_scale(L->fan_in, nw / (nd + SAMLAB_EPS), d + off);
    }
    for (size_t f = 0; f < nf; f++)
      d[L->boff + f] = 0.0;
  }
}

void samlab_direction_random(const samlab_problem *p, const double *w, gsl_rng *rng, int filter_norm, double *d)
{
  for (size_t i = 0; i < p->dim; i++)
    d[i] = gsl_ran_gaussian(rng, 1.0);
  if (filter_norm && samlab_net_is(p))
    filter_normalise(p->ctx, w, d);
  else
    samlab_scale(p->dim, 1.0 / samlab_norm(p->dim, d), d);
}
