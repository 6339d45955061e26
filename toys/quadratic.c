/* The quadratic f = 0.5 w^T A w - b^T w with A symmetric, from toy options "diag=a1,a2,..." (b = 0) or
 * "file=PATH" (a text file: dim, then A row-major, then optionally b); "b=b1,b2,..." sets b (after either).
 * "A=a11,a12,..." gives the whole A inline, row-major.  Default diag=1,10, b = 0.
 * Its one stationary point A^{-1} b is declared a minimum when A is positive definite and a saddle when A is
 * indefinite (eigenvalues from LAPACKE, the solve by LAPACKE too). */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "toy_impl.h"

#define QUADRATIC_MAX_DIM 4096

typedef struct {
  size_t n;
  double *A, *b, *xstar; /* into v[] */
  double v[];            /* A (n*n), b (n), xstar (n) */
} quadratic;

static double quadratic_vg(void *ctx, const double *w, double *g)
{
  quadratic *q = ctx;
  int n = (int)q->n;
  double small[64];
  double *Aw = g ? g : q->n <= 64 ? small : malloc(q->n * sizeof *Aw);
  cblas_dsymv(CblasRowMajor, CblasUpper, n, 1.0, q->A, n, w, 1, 0.0, Aw, 1);
  double f = 0.5 * cblas_ddot(n, w, 1, Aw, 1) - cblas_ddot(n, q->b, 1, w, 1);
  if (g)
    cblas_daxpy(n, -1.0, q->b, 1, g, 1);
  else if (Aw != small)
    free(Aw);
  return f;
}

static void quadratic_hvp(void *ctx, const double *w, const double *v, double *hv)
{
  quadratic *q = ctx;
  cblas_dsymv(CblasRowMajor, CblasUpper, (int)q->n, 1.0, q->A, (int)q->n, v, 1, 0.0, hv, 1);
}

static void quadratic_hessian(void *ctx, const double *w, double *H)
{
  quadratic *q = ctx;
  memcpy(H, q->A, q->n * q->n * sizeof *H);
}

static quadratic *quadratic_alloc(size_t n)
{
  quadratic *q = calloc(1, sizeof *q + (n * n + 2 * n) * sizeof(double));
  if (!q)
    return NULL;
  q->n = n;
  q->A = q->v;
  q->b = q->v + n * n;
  q->xstar = q->b + n;
  return q;
}

/* q itself, or NULL (q freed) with a message starting with what if A is not symmetric. */
static quadratic *quadratic_symmetric(quadratic *q, const char *what, char *err, size_t errlen)
{
  size_t n = q->n;
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++) {
      double a = q->A[i * n + j], c = q->A[j * n + i];
      if (fabs(a - c) > 1e-12 * fmax(1.0, fmax(fabs(a), fabs(c)))) {
        snprintf(err, errlen, "%s: A is not symmetric (A[%zu][%zu] = %g, A[%zu][%zu] = %g)", what, i, j, a, j, i, c);
        free(q);
        return NULL;
      }
    }
  return q;
}

/* dim, A row-major, optionally b: whitespace-separated numbers. */
static quadratic *quadratic_read(const char *path, char *err, size_t errlen)
{
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, errlen, "cannot read quadratic matrix file '%s'", path);
    return NULL;
  }
  double dim;
  if (fscanf(f, "%lf", &dim) != 1 || dim != floor(dim) || dim < 1 || dim > QUADRATIC_MAX_DIM) {
    fclose(f);
    snprintf(err, errlen, "bad quadratic matrix file '%s': first number must be the dimension (1..%d)", path,
             QUADRATIC_MAX_DIM);
    return NULL;
  }
  size_t n = (size_t)dim, count = 0, cap = n * n + n;
  quadratic *q = quadratic_alloc(n);
  if (!q) {
    fclose(f);
    snprintf(err, errlen, "out of memory for a quadratic of dimension %zu", n);
    return NULL;
  }
  double x;
  int rc;
  while ((rc = fscanf(f, "%lf", &x)) == 1) {
    if (count == cap || !isfinite(x)) {
      count = cap + 1;
      break;
    }
    q->A[count++] = x; /* A and b are contiguous */
  }
  int junk = rc == 0; /* a token that is not a number */
  fclose(f);
  if (junk || (count != n * n && count != n * n + n)) {
    snprintf(err, errlen, "bad quadratic matrix file '%s': after the dimension %zu expected %zu numbers (A) or %zu (A and b) %s",
             path, n, n * n, n * n + n, junk ? "but found a non-number" : "but found a different count");
    free(q);
    return NULL;
  }
  char what[4200];
  snprintf(what, sizeof what, "bad quadratic matrix file '%s'", path);
  return quadratic_symmetric(q, what, err, errlen);
}

/* "A=a11,a12,...,ann": the whole matrix inline, row-major (what samlab toy stores for file= runs so a plot
 * needs only the HDF5). */
static quadratic *quadratic_inline(const char *text, char *err, size_t errlen)
{
  size_t count = 1;
  for (const char *c = text; *c; c++)
    count += *c == ',';
  size_t n = (size_t)llround(sqrt((double)count));
  if (n * n != count || n > QUADRATIC_MAX_DIM) {
    snprintf(err, errlen, "bad value for toy option A of quadratic: %zu numbers is not a square matrix", count);
    return NULL;
  }
  quadratic *q = quadratic_alloc(n);
  if (!q) {
    snprintf(err, errlen, "out of memory for a quadratic of dimension %zu", n);
    return NULL;
  }
  if (samlab_toy_doubles("quadratic", "A", text, q->A, (int)count, err, errlen) < 0) {
    free(q);
    return NULL;
  }
  return quadratic_symmetric(q, "bad value for toy option A of quadratic", err, errlen);
}

static quadratic *quadratic_diag(const char *text, char *err, size_t errlen)
{
  double d[QUADRATIC_MAX_DIM];
  int n = samlab_toy_doubles("quadratic", "diag", text, d, QUADRATIC_MAX_DIM, err, errlen);
  if (n < 0)
    return NULL;
  quadratic *q = quadratic_alloc((size_t)n);
  if (!q) {
    snprintf(err, errlen, "out of memory for a quadratic of dimension %d", n);
    return NULL;
  }
  for (int i = 0; i < n; i++)
    q->A[i * n + i] = d[i];
  return q;
}

/* Classify A by its eigenvalues: 1 positive definite, -1 indefinite (nonsingular), 0 otherwise; and when
 * nonsingular solve A x = b. */
static int quadratic_stationary(quadratic *q)
{
  size_t n = q->n;
  double *work = malloc((2 * n * n + n) * sizeof *work);
  lapack_int *piv = malloc(n * sizeof *piv);
  if (!work || !piv) {
    free(work);
    free(piv);
    return 0;
  }
  double *S = work, *eig = work + n * n, *LU = eig + n;
  memcpy(S, q->A, n * n * sizeof *S);
  int kind = 0;
  if (LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'N', 'U', (lapack_int)n, S, (lapack_int)n, eig) == 0) {
    double scale = fmax(fabs(eig[0]), fabs(eig[n - 1]));
    double tiny = 1e-12 * scale;
    int pos = 0, neg = 0;
    for (size_t i = 0; i < n; i++)
      pos += eig[i] > tiny, neg += eig[i] < -tiny;
    if ((size_t)(pos + neg) == n && scale > 0)
      kind = neg == 0 ? 1 : pos > 0 ? -1 : 0;
  }
  if (kind != 0) {
    memcpy(LU, q->A, n * n * sizeof *LU);
    memcpy(q->xstar, q->b, n * sizeof *q->b);
    if (LAPACKE_dgesv(LAPACK_ROW_MAJOR, (lapack_int)n, 1, LU, (lapack_int)n, piv, q->xstar, 1) != 0)
      kind = 0;
  }
  free(work);
  free(piv);
  return kind;
}

/* The options into a quadratic; value and btext are scratch buffers of len bytes (len > strlen(opts)). */
static quadratic *quadratic_parse(const char *opts, char *value, char *btext, size_t len, char *err, size_t errlen)
{
  const char *cursor = opts;
  char key[32];
  quadratic *q = NULL;
  int rc;
  btext[0] = 0;
  while ((rc = samlab_toy_opt_next("quadratic", &cursor, key, sizeof key, value, len, err, errlen)) > 0) {
    if (strcmp(key, "b") == 0) {
      snprintf(btext, len, "%s", value);
      continue;
    }
    if (q) {
      free(q);
      snprintf(err, errlen, "quadratic takes one of diag=..., A=... or file=...");
      return NULL;
    }
    if (strcmp(key, "diag") == 0)
      q = quadratic_diag(value, err, errlen);
    else if (strcmp(key, "file") == 0)
      q = quadratic_read(value, err, errlen);
    else if (strcmp(key, "A") == 0)
      q = quadratic_inline(value, err, errlen);
    else
      return samlab_toy_bad_option("quadratic", key, "diag=A1,A2,... or A=A11,A12,... [with b=B1,B2,...] or file=PATH", err, errlen), NULL;
    if (!q)
      return NULL;
  }
  if (rc < 0) {
    free(q);
    return NULL;
  }
  if (!q && !(q = quadratic_diag("1,10", err, errlen)))
    return NULL;
  if (btext[0]) {
    double b[QUADRATIC_MAX_DIM];
    int nb = samlab_toy_doubles("quadratic", "b", btext, b, QUADRATIC_MAX_DIM, err, errlen);
    if (nb >= 0 && (size_t)nb != q->n)
      snprintf(err, errlen, "bad value '%s' for toy option b of quadratic: needs %zu numbers, got %d", btext, q->n, nb);
    if (nb < 0 || (size_t)nb != q->n) {
      free(q);
      return NULL;
    }
    memcpy(q->b, b, q->n * sizeof *b);
  }
  return q;
}

static samlab_problem *quadratic_create(const char *opts, char *err, size_t errlen)
{
  size_t len = (opts ? strlen(opts) : 0) + 16;
  char *value = malloc(len), *btext = malloc(len);
  quadratic *q = value && btext ? quadratic_parse(opts, value, btext, len, err, errlen) : NULL;
  if (!value || !btext)
    snprintf(err, errlen, "out of memory");
  free(value);
  free(btext);
  if (!q)
    return NULL;
  int kind = quadratic_stationary(q);
  samlab_problem *p = samlab_toy_problem("quadratic", q->n, q, quadratic_vg, quadratic_hessian, NULL);
  if (!p) {
    free(q);
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  p->hvp = quadratic_hvp;
  if (kind == 1) {
    samlab_toy_landscape(p)->minima = q->xstar;
    samlab_toy_landscape(p)->nminima = 1;
  } else if (kind == -1) {
    samlab_toy_landscape(p)->saddles = q->xstar;
    samlab_toy_landscape(p)->nsaddles = 1;
  }
  return p;
}

const samlab_toy_type samlab_toy_quadratic = {"quadratic", "0.5 w^T A w - b^T w (diag=a1,a2,..., A=a11,a12,... or file=PATH; b=b1,...; default diag=1,10)",
                                              2, quadratic_create};
