/* The registry: the one place that lists the rules.  Adding a rule is one file plus one line here. */
#include <string.h>
#include "samlab/rule.h"

#define RULES(X) X(sgd) X(sam) X(stablesam) X(asam) X(gsam) X(looksam) X(periodic_sam) X(random_sam) X(ae_sam) \
  X(ae_looksam) X(fsam) X(infosam) X(vasso) X(fishersam) X(linf_sam) X(l1_sam) X(nsupport_sam) X(wsam) X(coupled_wsam)

#define DECLARE(name) extern const samlab_rule_type samlab_rule_##name;
RULES(DECLARE)
#define ENTRY(name) &samlab_rule_##name,
const samlab_rule_type *const samlab_rule_types[] = {RULES(ENTRY) NULL};

const samlab_rule_type *samlab_rule_find(const char *name)
{
  for (size_t i = 0; samlab_rule_types[i]; i++)
    if (strcmp(samlab_rule_types[i]->name, name) == 0)
      return samlab_rule_types[i];
  return NULL;
}
