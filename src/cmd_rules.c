/* samlab rules: the registry as a table, so users and the README see the same list. */
#include <stdio.h>
#include "cli.h"
#include "commands.h"

int cmd_rules(int argc, char **argv)
{
  const cli_spec spec = {"rules", "samlab rules", "Lists every rule, base optimizer and toy landscape.", NULL, NULL, 0};
  cli_parse(&spec, argc, argv, NULL);
  printf("rules:\n");
  for (size_t i = 0; samlab_rule_types[i]; i++)
    printf("  %-14s %-30s %s\n", samlab_rule_types[i]->name, samlab_rule_types[i]->paper, samlab_rule_types[i]->formula);
  printf("base optimizers:\n");
  for (size_t i = 0; samlab_base_types[i]; i++)
    printf("  %s\n", samlab_base_types[i]->name);
  printf("toys:\n");
  for (size_t i = 0; samlab_toy_types[i]; i++)
    printf("  %-14s %s\n", samlab_toy_types[i]->name, samlab_toy_types[i]->formula);
  return 0;
}
