/* A program built on an installed libsamlab, as another project would build it: `cc sam_step.c
 * $(pkg-config --cflags --libs samlab)`.  One SAM step (base sgd, rho 0.05, lr 0.1) on the quadratic toy
 * 0.5 w^T diag(1,10) w from w = (1, 1); prints the new point.  tests/install.sh builds and checks it. */
#include <stdio.h>
#include <samlab.h>

int main(void)
{
  char err[256];
  samlab_problem *p = samlab_toy_create("quadratic", "diag=1,10", err, sizeof err);
  if (!p) {
    fprintf(stderr, "sam_step: %s\n", err);
    return 1;
  }
  const samlab_rule_type *sam = samlab_rule_find("sam");
  const samlab_base_type *sgd = samlab_base_find("sgd");
  if (!sam || !sgd || p->dim != 2) {
    fprintf(stderr, "sam_step: no rule sam, no base sgd, or a quadratic of dimension %zu, not 2\n", p->dim);
    samlab_problem_free(p);
    return 1;
  }
  samlab_hparams hp;
  samlab_hparams_unset(&hp);
  hp.rho = 0.05;
  hp.lr = 0.1;
  samlab_rule *r = samlab_rule_alloc(sam, sgd, &hp, p->dim, err, sizeof err);
  if (!r) {
    fprintf(stderr, "sam_step: %s\n", err);
    samlab_problem_free(p);
    return 1;
  }
  double w[2] = {1.0, 1.0};
  int rc = samlab_rule_step(r, p, w, NULL);
  if (rc == 0)
    printf("%.17g %.17g\n", w[0], w[1]);
  samlab_rule_free(r);
  samlab_problem_free(p);
  return rc == 0 ? 0 : 1;
}
