/* Random directions for loss-landscape slices: filter-normalised for networks (Li et al. 2018), unit-norm for
 * toys.  A network's filters come from samlab_net_get_filter. */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include "samlab/vec.h"
#include "samlab/train.h"
#include "samlab/analyses.h"

/* Each filter (a row of W for dense layers, one output channel's kernel for conv) of d gets the norm of the same
 * filter of w; biases are zeroed, as the loss-landscape tool's default ignores them. */
static void filter_normalise(const samlab_problem *net, const double *w, double *d)
{
  samlab_net_filter f;
  for (size_t k = 0; samlab_net_get_filter(net, k, &f) == 0; k++) {
    double nd = samlab_norm(f.fan_in, d + f.woff), nw = samlab_norm(f.fan_in, w + f.woff);
    samlab_scale(f.fan_in, nw / (nd + SAMLAB_EPS), d + f.woff);
    d[f.boff] = 0.0;
  }
}

void samlab_direction_random(const samlab_problem *p, const double *w, gsl_rng *rng, int filter_norm, double *d)
{
  for (size_t i = 0; i < p->dim; i++)
    d[i] = gsl_ran_gaussian(rng, 1.0);
  if (filter_norm && samlab_net_is(p))
    filter_normalise(p, w, d);
  else
    samlab_scale(p->dim, 1.0 / samlab_norm(p->dim, d), d);
}
