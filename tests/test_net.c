/* Networks as problems against a plain reference written here: direct loops in double for the dense and
 * convolution layers (no im2col, no BLAS), max-pooling and softmax cross-entropy.  The gradient is checked
 * against finite differences of the reference loss, the Hessian-vector product against finite differences
 * of the gradient.  Weight layout (the API's): per layer W (out x in; conv: out x ky x kx x c) then b. */
#include <gsl/gsl_rng.h>
#include <string.h>
#include "testutil.h"

/* ---------------------------------------------------------------- reference */
typedef struct ref_net {
  int lenet;
  int nsizes;
  size_t sizes[8]; /* fcn: layer widths, input first */
  size_t h, w;     /* image size */
} ref_net;

static double ref_xent(const double *z, int y, int *argmax)
{
  double mx = z[0];
  int am = 0;
  for (int j = 1; j < 10; j++)
    if (z[j] > mx)
      mx = z[j], am = j;
  double s = 0;
  for (int j = 0; j < 10; j++)
    s += exp(z[j] - mx);
  if (argmax)
    *argmax = am;
  return mx + log(s) - z[y];
}

/* out[o] = b[o] + sum_i W[o][i] in[i], optional ReLU. */
static void ref_dense(const double *W, size_t in, size_t out, const double *x, double *y, int relu)
{
  for (size_t o = 0; o < out; o++) {
    double s = W[out * in + o];
    for (size_t i = 0; i < in; i++)
      s += W[o * in + i] * x[i];
    y[o] = relu && s < 0 ? 0 : s;
  }
}

/* Convolution (stride 1) with ReLU on an h x w x c image, kernel k, padding pad, oc outputs. */
static void ref_conv(const double *W, size_t h, size_t w, size_t c, size_t oc, size_t k, size_t pad,
                     const double *x, double *y)
{
  size_t oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1;
  for (size_t oy = 0; oy < oh; oy++)
    for (size_t ox = 0; ox < ow; ox++)
      for (size_t o = 0; o < oc; o++) {
        double s = W[oc * k * k * c + o];
        for (size_t ky = 0; ky < k; ky++)
          for (size_t kx = 0; kx < k; kx++)
            for (size_t ch = 0; ch < c; ch++) {
              long iy = (long)(oy + ky) - (long)pad, ix = (long)(ox + kx) - (long)pad;
              if (iy >= 0 && ix >= 0 && iy < (long)h && ix < (long)w)
                s += W[((o * k + ky) * k + kx) * c + ch] * x[((size_t)iy * w + (size_t)ix) * c + ch];
            }
        y[(oy * ow + ox) * oc + o] = s < 0 ? 0 : s;
      }
}

static void ref_pool(size_t h, size_t w, size_t c, const double *x, double *y)
{
  for (size_t oy = 0; oy < h / 2; oy++)
    for (size_t ox = 0; ox < w / 2; ox++)
      for (size_t ch = 0; ch < c; ch++) {
        double m = -INFINITY;
        for (size_t dy = 0; dy < 2; dy++)
          for (size_t dx = 0; dx < 2; dx++)
            m = fmax(m, x[((2 * oy + dy) * w + 2 * ox + dx) * c + ch]);
        y[(oy * (w / 2) + ox) * c + ch] = m;
      }
}

/* Loss of one example; logits' argmax in *am. */
static double ref_example(const ref_net *n, const double *W, const float *img, int y, int *am)
{
  static double a[20000], b[20000];
  size_t in = n->h * n->w;
  for (size_t i = 0; i < in; i++)
    a[i] = img[i];
  if (!n->lenet) {
    const double *p = W;
    for (int l = 0; l + 1 < n->nsizes; l++) {
      size_t si = n->sizes[l], so = n->sizes[l + 1];
      ref_dense(p, si, so, a, b, l + 2 < n->nsizes);
      p += so * si + so;
      memcpy(a, b, so * sizeof *a);
    }
    return ref_xent(a, y, am);
  }
  size_t h = n->h, w = n->w, h2 = h / 2 - 4, w2 = w / 2 - 4, flat = (h2 / 2) * (w2 / 2) * 16;
  const double *p = W;
  ref_conv(p, h, w, 1, 6, 5, 2, a, b);
  p += 6 * 25 + 6;
  ref_pool(h, w, 6, b, a);
  ref_conv(p, h / 2, w / 2, 6, 16, 5, 0, a, b);
  p += 16 * 150 + 16;
  ref_pool(h2, w2, 16, b, a);
  ref_dense(p, flat, 120, a, b, 1);
  p += 120 * flat + 120;
  ref_dense(p, 120, 84, b, a, 1);
  p += 84 * 120 + 84;
  ref_dense(p, 84, 10, a, b, 0);
  return ref_xent(b, y, am);
}

static double ref_loss(const ref_net *n, const double *W, const samlab_dataset *d, const size_t *idx, size_t m)
{
  double s = 0;
  for (size_t i = 0; i < m; i++) {
    size_t e = idx ? idx[i] : i;
    s += ref_example(n, W, d->x + e * d->rows * d->cols, d->y[e], NULL);
  }
  return s / (double)m;
}

/* ---------------------------------------------------------------- fixtures */
static samlab_dataset *random_set(size_t n, size_t h, size_t w, unsigned long seed)
{
  samlab_dataset *d = calloc(1, sizeof *d);
  d->n = n;
  d->rows = h;
  d->cols = w;
  d->nclasses = 10;
  d->x = malloc(n * h * w * sizeof *d->x);
  d->y = malloc(n);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  for (size_t i = 0; i < n * h * w; i++)
    d->x[i] = (float)gsl_rng_uniform(r);
  for (size_t i = 0; i < n; i++)
    d->y[i] = (uint8_t)gsl_rng_uniform_int(r, 10);
  gsl_rng_free(r);
  return d;
}

static double *init_weights(const samlab_problem *p, unsigned long seed)
{
  double *w = malloc(p->dim * sizeof *w);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  samlab_net_init(p, r, w);
  gsl_rng_free(r);
  return w;
}

static const ref_net REF_FCN = {0, 4, {144, 5, 4, 10}, 12, 12};
static const ref_net REF_LENET = {1, 0, {0}, 12, 12};

static samlab_problem *make(const char *model, const char *hidden, const samlab_dataset *d)
{
  char err[256];
  samlab_problem *p = samlab_net_create(model, hidden, d, err, sizeof err);
  ck_assert_msg(p != NULL, "%s", err);
  return p;
}

static double rel_norm(size_t n, const double *a, const double *b)
{
  double num = 0, den = 0;
  for (size_t i = 0; i < n; i++) {
    num += (a[i] - b[i]) * (a[i] - b[i]);
    den += b[i] * b[i];
  }
  return sqrt(num / den);
}

/* ---------------------------------------------------------------- tests */
START_TEST(dimensions)
{
  samlab_dataset *d = random_set(4, 28, 28, 1);
  samlab_problem *f = make("fcn", NULL, d), *l = make("lenet", NULL, d);
  /* 784*500 + 500 + 500*500 + 500 + 500*10 + 10; PyTorch's LeNet-5 count for 28x28 is 61706. */
  ck_assert_uint_eq(f->dim, 648010);
  ck_assert_uint_eq(l->dim, 61706);
  ck_assert_str_eq(samlab_net_describe(f), "fcn 784-500-500-10");
  ck_assert(samlab_net_is(f) && samlab_net_is(l));
  samlab_problem_free(f);
  samlab_problem_free(l);
  samlab_dataset_free(d);
}
END_TEST

START_TEST(losses_match_reference)
{
  samlab_dataset *d = random_set(300, 12, 12, 2); /* 300 > lenet's chunk of 256: two chunks */
  for (int m = 0; m < 2; m++) {
    samlab_problem *p = m ? make("lenet", NULL, d) : make("fcn", "5,4", d);
    const ref_net *ref = m ? &REF_LENET : &REF_FCN;
    double *w = init_weights(p, 3 + m);
    double want = ref_loss(ref, w, d, NULL, d->n);
    double got32 = samlab_problem_value_grad(p, w, NULL);
    samlab_net_set_precision(p, 64);
    double got64 = samlab_problem_value_grad(p, w, NULL);
    ck_assert_close(got64, want, 1e-12);
    ck_assert_close(got32, want, 1e-5);
    /* A batch with a repeated example: the mean over the listed examples. */
    size_t idx[3] = {5, 2, 5};
    ck_assert_int_eq(samlab_problem_set_batch(p, idx, 3), 0);
    ck_assert_close(samlab_problem_value_grad(p, w, NULL), ref_loss(ref, w, d, idx, 3), 1e-12);
    size_t bad[1] = {300};
    ck_assert_int_eq(samlab_problem_set_batch(p, bad, 1), -1);
    ck_assert_int_eq(samlab_problem_set_batch(p, NULL, 0), 0);
    ck_assert_close(samlab_problem_value_grad(p, w, NULL), want, 1e-12);
    /* evaluate: loss and accuracy of the reference's argmax */
    size_t correct = 0;
    for (size_t i = 0; i < 40; i++) {
      int am;
      ref_example(ref, w, d->x + i * 144, d->y[i], &am);
      correct += am == d->y[i];
    }
    double loss, acc;
    size_t first[40];
    for (size_t i = 0; i < 40; i++)
      first[i] = i;
    ck_assert_int_eq(samlab_net_evaluate(p, w, d, first, 40, &loss, &acc), 0);
    ck_assert_close(loss, ref_loss(ref, w, d, first, 40), 1e-12);
    ck_assert_close(acc, correct / 40.0, 1e-15);
    free(w);
    samlab_problem_free(p);
  }
  samlab_dataset_free(d);
}
END_TEST

START_TEST(gradient_matches_reference_differences)
{
  samlab_dataset *d = random_set(6, 12, 12, 4);
  for (int m = 0; m < 2; m++) {
    samlab_problem *p = m ? make("lenet", NULL, d) : make("fcn", "5,4", d);
    const ref_net *ref = m ? &REF_LENET : &REF_FCN;
    double *w = init_weights(p, 5), *g = malloc(p->dim * sizeof *g), *g32 = malloc(p->dim * sizeof *g);
    samlab_problem_value_grad(p, w, g32);
    samlab_net_set_precision(p, 64);
    samlab_problem_value_grad(p, w, g);
    ck_assert_msg(rel_norm(p->dim, g32, g) < 1e-5, "float32 gradient off by %g", rel_norm(p->dim, g32, g));
    /* Every coordinate of fcn; for lenet every 7th (all layers, weights and biases). */
    size_t stride = m ? 7 : 1, checked = 0;
    double h = 1e-6, worst = 0;
    for (size_t i = 0; i < p->dim; i += stride) {
      double wi = w[i];
      w[i] = wi + h;
      double fp = ref_loss(ref, w, d, NULL, d->n);
      w[i] = wi - h;
      double fm = ref_loss(ref, w, d, NULL, d->n);
      w[i] = wi;
      double fd = (fp - fm) / (2 * h);
      double err = fabs(fd - g[i]) / fmax(fmax(fabs(fd), fabs(g[i])), 1e-4);
      worst = fmax(worst, err);
      checked++;
    }
    ck_assert_msg(worst < 1e-5, "%s: gradient vs differences of the reference: %g", m ? "lenet" : "fcn", worst);
    ck_assert_uint_gt(checked, 700);
    /* The library's own check agrees too. */
    ck_assert(samlab_check_grad(p, w, 8, 1e-6, 1, NULL) < 1e-4);
    free(w);
    free(g);
    free(g32);
    samlab_problem_free(p);
  }
  samlab_dataset_free(d);
}
END_TEST

START_TEST(hvp_matches_gradient_differences)
{
  samlab_dataset *d = random_set(20, 12, 12, 6);
  for (int m = 0; m < 2; m++) {
    samlab_problem *p = m ? make("lenet", NULL, d) : make("fcn", "5,4", d);
    size_t n = p->dim;
    double *w = init_weights(p, 7), *v = malloc(n * 8), *u = malloc(n * 8), *hv = malloc(n * 8);
    double *hu = malloc(n * 8), *hv32 = malloc(n * 8), *gp = malloc(n * 8), *gm = malloc(n * 8);
    double *wp = malloc(n * 8);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t i = 0; i < n; i++) {
      v[i] = gsl_rng_uniform(r) - 0.5;
      u[i] = gsl_rng_uniform(r) - 0.5;
    }
    samlab_problem_hvp(p, w, v, hv32);
    samlab_net_set_precision(p, 64);
    samlab_problem_hvp(p, w, v, hv);
    samlab_problem_hvp(p, w, u, hu);
    /* ReLU networks have kinks: the step must be small enough that no pre-activation changes sign. */
    double h = 1e-8;
    for (size_t i = 0; i < n; i++)
      wp[i] = w[i] + h * v[i];
    samlab_problem_value_grad(p, wp, gp);
    for (size_t i = 0; i < n; i++)
      wp[i] = w[i] - h * v[i];
    samlab_problem_value_grad(p, wp, gm);
    for (size_t i = 0; i < n; i++)
      gp[i] = (gp[i] - gm[i]) / (2 * h);
    ck_assert_msg(rel_norm(n, hv, gp) < 1e-5, "Hv vs differences: %g", rel_norm(n, hv, gp));
    ck_assert_msg(rel_norm(n, hv32, hv) < 1e-4, "float32 Hv: %g", rel_norm(n, hv32, hv));
    /* H is symmetric: u.Hv = v.Hu */
    ck_assert_close(samlab_dot(n, u, hv), samlab_dot(n, v, hu), 1e-10);
    gsl_rng_free(r);
    free(w), free(v), free(u), free(hv), free(hu), free(hv32), free(gp), free(gm), free(wp);
    samlab_problem_free(p);
  }
  samlab_dataset_free(d);
}
END_TEST

START_TEST(pytorch_default_init)
{
  samlab_dataset *d = random_set(2, 12, 12, 8);
  samlab_problem *p = make("fcn", "200", d);
  double *a = init_weights(p, 9), *b = init_weights(p, 9), *c = init_weights(p, 10);
  ck_assert_int_eq(memcmp(a, b, p->dim * sizeof *a), 0);
  ck_assert_int_ne(memcmp(a, c, p->dim * sizeof *a), 0);
  /* Layer 1: 200 x 144 weights then 200 biases, U(-1/12, 1/12); layer 2: fan_in 200. */
  double mx = 0, s2 = 0;
  size_t n1 = 200 * 144 + 200;
  for (size_t i = 0; i < n1; i++) {
    ck_assert(fabs(a[i]) <= 1.0 / 12);
    mx = fmax(mx, fabs(a[i]));
    s2 += a[i] * a[i];
  }
  ck_assert(mx > 0.99 / 12);
  ck_assert_close(s2 / (double)n1, 1.0 / (3 * 144), 0.05 / (3 * 144)); /* variance of U(-b, b) is b^2/3 */
  for (size_t i = n1; i < p->dim; i++)
    ck_assert(fabs(a[i]) <= 1.0 / sqrt(200.0));
  free(a), free(b), free(c);
  samlab_problem_free(p);
  samlab_dataset_free(d);
}
END_TEST

/* value_grad_gg: the same loss and gradient as value_grad, and g.g equal to samlab_dot's sum bit for bit
 * (the rules' ||g|| must not depend on which of the two a step used); likewise samlab_widen_sumsq. */
START_TEST(gradient_norm_in_the_same_pass)
{
  samlab_dataset *d = random_set(40, 12, 12, 5);
  const char *models[] = {"fcn", "lenet"};
  for (int m = 0; m < 2; m++) {
    samlab_problem *p = make(models[m], m == 0 ? "37,5" : NULL, d);
    double *w = init_weights(p, 3), *g1 = malloc(p->dim * sizeof *g1), *g2 = malloc(p->dim * sizeof *g2);
    double gg = -1;
    double l1 = samlab_problem_value_grad(p, w, g1), l2 = samlab_problem_value_grad_gg(p, w, g2, &gg);
    ck_assert(p->fused->value_grad_gg != NULL);
    ck_assert(l1 == l2);
    for (size_t i = 0; i < p->dim; i++)
      ck_assert(g1[i] == g2[i]);
    ck_assert_msg(gg == samlab_dot(p->dim, g1, g1), "%s: gg %.17g vs dot %.17g", models[m], gg,
                  samlab_dot(p->dim, g1, g1));
    free(w), free(g1), free(g2);
    samlab_problem_free(p);
  }
  float x[13];
  double y[13], ref = 0;
  for (int i = 0; i < 13; i++)
    x[i] = 0.1f * (float)(i - 6);
  double sumsq = samlab_widen_sumsq(13, x, y);
  for (int i = 0; i < 13; i++) {
    ck_assert(y[i] == (double)x[i]);
    ref += y[i] * y[i];
  }
  ck_assert(sumsq == samlab_dot(13, y, y));
  ck_assert_close(sumsq, ref, 1e-15);
  samlab_dataset_free(d);
}
END_TEST

/* A network's shortcuts change no bit: rules stepping with keep_eps = geometry = 0 (value_grad_shifted and
 * value_grad_gg), and with fuse_f32 = 1 too (the base step on the float32 gradient, writing the float32
 * weights), give the same weights, losses and norms as with the stored perturbation and the plain passes.
 * The fused rule runs on its own copy of the network, so that the hand-over of the float32 weights between
 * steps is used; a second fused rule shares the network with the others, whose passes in between must make
 * it convert its weights again.  At double precision the fused rule falls back to the plain passes. */
START_TEST(lean_rule_steps_on_a_network)
{
  samlab_dataset *d = random_set(40, 12, 12, 6);
  const char *bases[] = {"sgdm", "sgd", "adam", "adamw"};
  for (size_t k = 0; samlab_rule_types[k]; k++) { /* every registered rule */
    const char *name = samlab_rule_types[k]->name;
    samlab_problem *p = make("fcn", "23,7", d), *own = make("fcn", "23,7", d);
    if (k % 5 == 4) {
      samlab_net_set_precision(p, 64);
      samlab_net_set_precision(own, 64);
    }
    samlab_hparams hp;
    samlab_hparams_unset(&hp);
    hp.lr = 0.01;
    hp.rho = 0.2;
    hp.p = 0.5;
    char err[256];
    samlab_rule *rule[4];
    double *w[4];
    for (int j = 0; j < 4; j++) {
      rule[j] = samlab_rule_alloc(samlab_rule_types[k], samlab_base_find(bases[k % 4]), &hp, p->dim, err,
                                  sizeof err);
      ck_assert_msg(rule[j] != NULL, "%s", err);
      samlab_rule_set_flags(rule[j], (j == 0 ? SAMLAB_RULE_KEEP_EPS | SAMLAB_RULE_GEOMETRY : 0) |
                                         (j >= 2 ? SAMLAB_RULE_FUSE_F32 : 0));
      w[j] = init_weights(p, 4);
    }
    size_t idx[16];
    for (int t = 0; t < 12; t++) {
      for (size_t i = 0; i < 16; i++)
        idx[i] = (size_t)(t * 16 + (int)i) % d->n;
      samlab_problem_set_batch(p, idx, 16);
      samlab_problem_set_batch(own, idx, 16);
      samlab_step_info info[4];
      for (int j = 0; j < 4; j++)
        samlab_rule_step(rule[j], j == 2 ? own : p, w[j], &info[j]);
      for (int j = 1; j < 4; j++) {
        ck_assert_msg(info[j].loss == info[0].loss && info[j].grad_norm == info[0].grad_norm &&
                          info[j].sam_used == info[0].sam_used,
                      "%s/%s step %d, variant %d: loss %.17g vs %.17g, norm %.17g vs %.17g", name,
                      bases[k % 4], t, j, info[j].loss, info[0].loss, info[j].grad_norm, info[0].grad_norm);
        for (size_t i = 0; i < p->dim; i++)
          ck_assert_msg(w[j][i] == w[0][i], "%s/%s step %d, variant %d, weight %zu: %.17g vs %.17g", name,
                        bases[k % 4], t, j, i, w[j][i], w[0][i]);
      }
    }
    for (int j = 0; j < 4; j++) {
      free(w[j]);
      samlab_rule_free(rule[j]);
    }
    samlab_problem_free(p);
    samlab_problem_free(own);
  }
  samlab_dataset_free(d);
}
END_TEST

/* LeNet's chunks run in slots on as many threads as there are, with the slots' sums added in a fixed order:
 * one thread and two give the same loss, gradient and test counts, bit for bit (here 5 chunks of 16 in 4
 * slots: one slot takes two, and with 40 examples one slot none). */
START_TEST(threads_change_no_bit)
{
  samlab_dataset *d = random_set(72, 12, 12, 8);
  samlab_problem *p = make("lenet", NULL, d);
  double *w = init_weights(p, 5), *g1 = malloc(p->dim * sizeof *g1), *g2 = malloc(p->dim * sizeof *g2);
  size_t sizes[] = {72, 40};
  for (int k = 0; k < 2; k++) {
    samlab_problem_set_batch(p, NULL, 0);
    if (k == 1) {
      size_t idx[40];
      for (size_t i = 0; i < 40; i++)
        idx[i] = (i * 7) % 72;
      samlab_problem_set_batch(p, idx, 40);
    }
    double loss[2], acc[2], tl[2];
    for (int t = 0; t < 2; t++) {
      samlab_set_threads(t + 1);
      loss[t] = samlab_problem_value_grad(p, w, t ? g2 : g1);
      ck_assert(samlab_net_evaluate(p, w, d, NULL, 0, &tl[t], &acc[t]) == 0);
    }
    samlab_set_threads(1);
    ck_assert_msg(loss[0] == loss[1], "%zu examples: loss %.17g vs %.17g", sizes[k], loss[1], loss[0]);
    ck_assert(tl[0] == tl[1] && acc[0] == acc[1]);
    for (size_t i = 0; i < p->dim; i++)
      ck_assert_msg(g1[i] == g2[i], "%zu examples, weight %zu: %.17g vs %.17g", sizes[k], i, g2[i], g1[i]);
    ck_assert(samlab_norm(p->dim, g1) > 0);
  }
  free(w), free(g1), free(g2);
  samlab_problem_free(p);
  samlab_dataset_free(d);
}
END_TEST

START_TEST(bad_models)
{
  char err[256];
  samlab_dataset *d = random_set(2, 10, 10, 1);
  ck_assert_ptr_null(samlab_net_create("resnet", NULL, d, err, sizeof err));
  ck_assert_ptr_nonnull(strstr(err, "unknown model 'resnet'"));
  ck_assert_ptr_null(samlab_net_create("fcn", "5,x", d, err, sizeof err));
  ck_assert_ptr_nonnull(strstr(err, "--hidden"));
  ck_assert_ptr_null(samlab_net_create("fcn", "0", d, err, sizeof err));
  ck_assert_ptr_null(samlab_net_create("lenet", "5", d, err, sizeof err));
  ck_assert_ptr_null(samlab_net_create("lenet", NULL, d, err, sizeof err)); /* 10 x 10: 10/2 - 4 is odd */
  ck_assert_ptr_nonnull(strstr(err, "the data has 1x10x10"));
  samlab_dataset_free(d);
  /* three channels: lenet refuses them, naming the data set and its shape; fcn takes any input size */
  d = samlab_dataset_alloc(2, 3, 28, 28, 10);
  d->name = "cifar-like";
  ck_assert_ptr_null(samlab_net_create("lenet", NULL, d, err, sizeof err));
  ck_assert_str_eq(err, "lenet needs 1-channel images of even sizes with size/2 - 4 even, like 1x28x28; cifar-like "
                        "has 3x28x28");
  samlab_problem *p = samlab_net_create("fcn", "4", d, err, sizeof err);
  ck_assert_ptr_nonnull(p);
  ck_assert_uint_eq(p->dim, (3 * 28 * 28 + 1) * 4 + (4 + 1) * 10);
  samlab_problem_free(p);
  samlab_dataset_free(d);
}
END_TEST

/* ESAM on a network (double precision): the per-example losses average to the batch loss and each is the network's
 * loss on that example alone; the tensors (each layer's W, then b) tile the weights; with beta 1 and gamma 0.25 one
 * step is worked out here independently: eps = rho g/||g||, the loss rise of each of 16 examples by
 * samlab_net_evaluate, g_s on the 4 largest, w - lr g_s; the batch is restored after the step.  With beta 0.5 each
 * tensor of eps is either zero or rho g_T/(0.5 ||g||), and both occur. */
START_TEST(esam_on_a_network)
{
  samlab_dataset *d = random_set(40, 12, 12, 6);
  samlab_problem *p = make("fcn", "23,7", d);
  samlab_net_set_precision(p, 64);
  size_t n = p->dim, idx[16], off, len, total = 0;
  for (size_t k = 0; samlab_net_block(p, k, NULL, 0, &off, &len) == 0; k++) {
    ck_assert_uint_eq(off, total);
    total += len;
  }
  ck_assert_uint_eq(total, n);
  for (size_t i = 0; i < 16; i++)
    idx[i] = (7 * i + 3) % d->n;
  samlab_problem_set_batch(p, idx, 16);
  double *w = init_weights(p, 4), *g = malloc(n * sizeof *g), *x = malloc(n * sizeof *x), losses[16], rise[16];
  double batch_loss = samlab_problem_value_grad(p, w, g), mean = 0;
  ck_assert_int_eq(p->batching->example_losses(p->ctx, w, losses), 0);
  for (int i = 0; i < 16; i++) {
    double one;
    ck_assert_int_eq(samlab_net_evaluate(p, w, d, &idx[i], 1, &one, NULL), 0);
    ck_assert_double_eq(losses[i], one);
    mean += losses[i] / 16;
  }
  ck_assert_msg(fabs(mean - batch_loss) < 1e-12, "mean %.17g, batch %.17g", mean, batch_loss);

  const double rho = 0.5, lr = 0.01;
  double k = rho / (sqrt(samlab_dot(n, g, g)) + 1e-12);
  for (size_t i = 0; i < n; i++)
    x[i] = w[i] + k * g[i];
  for (int i = 0; i < 16; i++) {
    double a, b;
    samlab_net_evaluate(p, w, d, &idx[i], 1, &a, NULL);
    samlab_net_evaluate(p, x, d, &idx[i], 1, &b, NULL);
    rise[i] = b - a;
  }
  size_t top[4];
  for (int j = 0; j < 4; j++) { /* the 4 largest rises, by hand */
    int best = -1;
    for (int i = 0; i < 16; i++) {
      int taken = 0;
      for (int q = 0; q < j; q++)
        taken |= top[q] == idx[i];
      if (!taken && (best < 0 || rise[i] > rise[best]))
        best = i;
    }
    top[j] = idx[best];
  }
  samlab_problem_set_batch(p, top, 4);
  samlab_problem_value_grad(p, x, g);
  samlab_problem_set_batch(p, idx, 16);
  samlab_hparams hp;
  samlab_hparams_unset(&hp);
  hp.lr = lr;
  hp.rho = rho;
  hp.esam_beta = 1;
  hp.esam_gamma = 0.25;
  char err[256];
  samlab_rule *r = samlab_rule_alloc(samlab_rule_find("esam"), samlab_base_find("sgd"), &hp, n, err, sizeof err);
  ck_assert_msg(r != NULL, "%s", err);
  double *v = malloc(n * sizeof *v);
  memcpy(v, w, n * sizeof *v);
  samlab_rule_step(r, p, v, NULL);
  for (size_t i = 0; i < n; i++)
    ck_assert_msg(fabs(v[i] - (w[i] - lr * g[i])) <= 1e-12 * fmax(1, fabs(w[i])), "weight %zu: %.17g vs %.17g", i,
                  v[i], w[i] - lr * g[i]);
  const size_t *cur;
  ck_assert_uint_eq(p->batching->batch(p->ctx, &cur), 16);
  ck_assert(memcmp(cur, idx, sizeof idx) == 0);
  samlab_rule_free(r);

  hp.esam_beta = 0.5;
  r = samlab_rule_alloc(samlab_rule_find("esam"), samlab_base_find("sgd"), &hp, n, err, sizeof err);
  int zero = 0, kept = 0;
  for (int t = 0; t < 4; t++) {
    samlab_problem_value_grad(p, v, g);
    double kk = rho / (sqrt(samlab_dot(n, g, g)) + 1e-12) / 0.5;
    samlab_rule_step(r, p, v, NULL);
    const double *eps = samlab_rule_perturbation(r);
    for (size_t q = 0; samlab_net_block(p, q, NULL, 0, &off, &len) == 0; q++) {
      int is_zero = 1; /* a kept tensor may hold zero gradients (a dead unit), not all of them */
      for (size_t i = off; i < off + len; i++)
        is_zero &= eps[i] == 0;
      zero += is_zero;
      kept += !is_zero;
      for (size_t i = off; i < off + len; i++)
        ck_assert(is_zero ? eps[i] == 0 : fabs(eps[i] - kk * g[i]) <= 1e-12 * fmax(1e-3, fabs(kk * g[i])));
    }
  }
  ck_assert(zero > 0 && kept > 0);
  samlab_rule_free(r);
  free(v);
  free(w);
  free(g);
  free(x);
  samlab_problem_free(p);
  samlab_dataset_free(d);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("net");
  TCase *tc = tcase_create("net");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, dimensions);
  tcase_add_test(tc, gradient_norm_in_the_same_pass);
  tcase_add_test(tc, lean_rule_steps_on_a_network);
  tcase_add_test(tc, esam_on_a_network);
  tcase_add_test(tc, losses_match_reference);
  tcase_add_test(tc, gradient_matches_reference_differences);
  tcase_add_test(tc, hvp_matches_gradient_differences);
  tcase_add_test(tc, pytorch_default_init);
  tcase_add_test(tc, bad_models);
  tcase_add_test(tc, threads_change_no_bit);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
