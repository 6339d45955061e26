/* The registry: the one place that lists the rules.  Adding a rule is one file plus one line here. */
#include <string.h>
#include "samlab/rule.h"

#define RULES(X) X(sgd) X(sam) X(stablesam) X(asam) X(gsam) X(looksam) X(periodic_sam) X(ss_sam) X(ae_sam) \
  X(ae_looksam) X(fsam) X(infosam) X(vasso) X(fishersam) X(linf_sam) X(l1_sam) X(nsupport_sam) X(wsam) X(coupled_wsam) \
  X(sagm) X(gcsam) X(rsam) X(msam) X(gam) X(eigensam) X(bsam) X(esam)

#define DECLARE(name) extern const samlab_rule_type samlab_rule_##name;
RULES(DECLARE)
#define ENTRY(name) &samlab_rule_##name,
const samlab_rule_type *const samlab_rule_types[] = {RULES(ENTRY) NULL};

/* Old names still accepted: {old, new}. */
static const char *const renamed[][2] = {{"random-sam", "ss-sam"}};

const char *samlab_rule_renamed(const char *name)
{
  for (size_t i = 0; i < sizeof renamed / sizeof renamed[0]; i++)
    if (strcmp(renamed[i][0], name) == 0)
      return renamed[i][1];
  return NULL;
}

const samlab_rule_type *samlab_rule_find(const char *name)
{
  if (samlab_rule_renamed(name))
    name = samlab_rule_renamed(name);
  for (size_t i = 0; samlab_rule_types[i]; i++)
    if (strcmp(samlab_rule_types[i]->name, name) == 0)
      return samlab_rule_types[i];
  return NULL;
}
