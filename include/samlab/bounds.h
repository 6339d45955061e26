/* samlab/bounds.h: the papers' theorems put to a numerical test (analyses/bounds_*.c). */
#ifndef SAMLAB_BOUNDS_H
#define SAMLAB_BOUNDS_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Numerical checks of the papers' theorems: each check runs problems that meet a theorem's assumptions and
 * reports rows "measured vs bound".  A row holds when lower <= measured <= bound (measured NAN: fails). */
typedef struct samlab_bound_row {
  char check[32];    /* the check's name, "stablesam-stability" */
  char claim[96];    /* theorem and quantity, "Thm 8: E||w_T - v_T|| (SAM)" */
  char setting[320]; /* problem, constants and how each was obtained */
  char note[320];    /* why a row is expected to fail, corrected forms, caveats */
  double measured, bound, lower; /* lower: NAN if one-sided */
  int premises;    /* 1 if the theorem's assumptions hold on this run; 0: informational row */
  int expect_hold; /* 1: samlab states this bound holds; 0: the printed form is wrong (an erratum row) */
} samlab_bound_row;

typedef struct samlab_bound_check {
  const char *name, *paper, *summary;
  /* Appends rows (at most max) and returns how many, or -1 with a message.  quick: fewer runs (tests). */
  int (*run)(int quick, unsigned long seed, samlab_bound_row *rows, int max, char *err, size_t errlen);
} samlab_bound_check;

extern const samlab_bound_check *const samlab_bound_checks[]; /* NULL-terminated */
const samlab_bound_check *samlab_bound_find(const char *name);
int samlab_bound_holds(const samlab_bound_row *r); /* lower <= measured <= bound */
/* The row's verdict agrees with what samlab states (always 1 for rows whose premises fail). */
int samlab_bound_ok(const samlab_bound_row *r);

/* StableSAM Table 1 (Theorems 11 and 18, Hardt et al. for SGD): for i = 0 (SGD), 1 (SAM), 2 (StableSAM) the
 * largest lr, the generalisation term, the optimisation term and their sum. */
typedef struct samlab_excess_terms {
  double eta_max, gen, opt, excess;
} samlab_excess_terms;
void samlab_stablesam_table1(double mu, double L, double G, double rho, double C, double n, double gamma0,
                             double gamma1, double eta, samlab_excess_terms out[3]);

#ifdef __cplusplus
}
#endif
#endif
