/* The bounds registry: the one place that lists the theorem checks of samlab bounds. */
#include "samlab.h"

#define BOUND_CHECKS(X) X(stablesam_stability) X(stablesam_convergence) X(stablesam_excess)
#define DECLARE(name) extern const samlab_bound_check samlab_bound_##name;
BOUND_CHECKS(DECLARE)
#define ENTRY(name) &samlab_bound_##name,
const samlab_bound_check *const samlab_bound_checks[] = {BOUND_CHECKS(ENTRY) NULL};
