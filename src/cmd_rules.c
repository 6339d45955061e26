/* samlab rules: the registry and the parameter tables as text or, with --markdown, as the tables of docs/rules.md
 * and README.md, so users and the docs see the same list. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "commands.h"

/* A markdown table cell: text with '|' escaped, in a code span if code. */
static void cell(const char *text, int code)
{
  printf(" %s", code ? "`" : "");
  for (const char *c = text; *c; c++)
    printf(*c == '|' ? "\\|" : "%c", *c);
  printf("%s |", code ? "`" : "");
}

static void markdown(void)
{
  printf("| rule | paper | formula | own parameters (default) |\n|---|---|---|---|\n");
  for (size_t i = 0; samlab_rule_types[i]; i++) {
    const samlab_rule_type *t = samlab_rule_types[i];
    char own[512] = "";
    for (const samlab_hparam_desc *d = t->params; d && d->name; d++) {
      char v[32];
      samlab_hparam_value_text(d, d->def, v, sizeof v);
      snprintf(own + strlen(own), sizeof own - strlen(own), "%s%s %s", own[0] ? ", " : "", d->name, v);
    }
    printf("|");
    cell(t->name, 0);
    cell(t->paper, 0);
    cell(t->formula, 1);
    cell(own, 0);
    printf("\n");
  }
  printf("\n| option | taken by | default | range | meaning |\n|---|---|---|---|---|\n");
  const samlab_hparam_desc *opts[SAMLAB_HPARAMS_MAX];
  size_t n = cli_hparam_options(opts);
  for (size_t i = 0; i < n; i++) {
    char option[64], takers[512], defaults[256], range[64], meaning[512];
    cli_hparam_option(opts[i], option, sizeof option);
    cli_hparam_takers(opts[i], takers, sizeof takers);
    cli_hparam_defaults(opts[i], defaults, sizeof defaults);
    samlab_hparam_range_text(opts[i], range, sizeof range);
    snprintf(meaning, sizeof meaning, "%s%s%s%s", opts[i]->help, opts[i]->alias ? " (was `--" : "",
             opts[i]->alias ? opts[i]->alias : "", opts[i]->alias ? "`)" : "");
    printf("|");
    cell(option, 1);
    cell(takers, 0);
    cell(defaults, 0);
    cell(range, 0);
    cell(meaning, 0);
    printf("\n");
  }
}

static void plain(void)
{
  printf("rules:\n");
  for (size_t i = 0; samlab_rule_types[i]; i++) {
    const samlab_rule_type *t = samlab_rule_types[i];
    printf("  %-14s %-30s %s\n", t->name, t->paper, t->formula);
  }
  printf("base optimizers:\n");
  for (size_t i = 0; samlab_base_types[i]; i++) {
    printf("  %-6s", samlab_base_types[i]->name);
    for (const samlab_hparam_desc *d = samlab_base_types[i]->params; d->name; d++)
      printf(" --%s", d->name);
    printf("\n");
  }
  printf("toys:\n");
  for (size_t i = 0; samlab_toy_types[i]; i++)
    printf("  %-14s %s\n", samlab_toy_types[i]->name, samlab_toy_types[i]->formula);
  printf("hyperparameters (who takes each, what it is, its range and default):\n");
  cli_hparams_print();
}

int cmd_rules(int argc, char **argv)
{
  int md = 0;
  const cli_opt opts[] = {
      {"markdown", 0, CLI_FLAG, &md, NULL, "the rule and hyperparameter tables of docs/rules.md and README.md"},
      {NULL, 0, 0, NULL, NULL, NULL}};
  const cli_spec spec = {"rules", "samlab rules [--markdown]",
                         "Lists every rule, base optimizer, toy landscape and hyperparameter (from the registry and\n"
                         "the parameter tables), or prints the tables of docs/rules.md and README.md.",
                         opts, NULL, 0};
  cli_parse(&spec, argc, argv, NULL);
  if (md)
    markdown();
  else
    plain();
  return 0;
}
