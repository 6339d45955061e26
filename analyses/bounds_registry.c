/* The bounds registry: the one place that lists the theorem checks of samlab bounds. */
#include <gsl/gsl_rng.h>
#include "samlab/vec.h"
#include "samlab/problem.h"
#include "samlab/rule.h"
#include "samlab/toy.h"
#include "samlab/train.h"
#include "samlab/analyses.h"
#include "samlab/bounds.h"

#define BOUND_CHECKS(X) X(stablesam_stability) X(stablesam_convergence) X(stablesam_excess) X(aesam_thm3_3) \
  X(presam_thm1) X(wsam_thm5_1) X(wsam_thm5_3) X(fsam_thm1)
#define DECLARE(name) extern const samlab_bound_check samlab_bound_##name;
BOUND_CHECKS(DECLARE)
#define ENTRY(name) &samlab_bound_##name,
const samlab_bound_check *const samlab_bound_checks[] = {BOUND_CHECKS(ENTRY) NULL};
