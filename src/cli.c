/* Command-line parsing: one table per command plus the shared hyperparameter table. */
#include <stdio.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
jmp_buf *cli_exit_jump;

static _Noreturn void cli_exit(int status)
{
  if (cli_exit_jump)
    longjmp(*cli_exit_jump, 1 + status);
  exit(status);
}
#else
#define cli_exit exit
#endif

void cli_die(const char *cmd, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "samlab %s: ", cmd);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  cli_exit(2);
}

/* Names joined with ", " into buf (at the end of what it holds). */
static void join(char *buf, size_t len, const char *name)
{
  size_t used = strlen(buf);
  snprintf(buf + used, len - used, "%s%s", used ? ", " : "", name);
}

/* The entry called name in table, or NULL. */
static const samlab_hparam_desc *entry(const samlab_hparam_desc *table, const char *name)
{
  for (const samlab_hparam_desc *d = table; d && d->name; d++)
    if (strcmp(d->name, name) == 0)
      return d;
  return NULL;
}

void cli_hparam_takers(const samlab_hparam_desc *d, char *buf, size_t len)
{
  char bases[128] = "", rules[512] = "", plain[128] = "";
  size_t nbases = 0, nwith = 0;
  for (; samlab_base_types[nbases]; nbases++)
    if (entry(samlab_base_types[nbases]->params, d->name))
      join(bases, sizeof bases, samlab_base_types[nbases]->name), nwith++;
  for (size_t i = 0; samlab_rule_types[i]; i++) {
    if (samlab_rule_types[i]->plain)
      join(plain, sizeof plain, samlab_rule_types[i]->name);
    if (entry(samlab_rule_types[i]->params, d->name))
      join(rules, sizeof rules, samlab_rule_types[i]->name);
  }
  buf[0] = 0;
  if (nwith)
    join(buf, len, nwith == nbases ? "every base optimizer" : bases);
  if (entry(samlab_run_hparams, d->name))
    join(buf, len, "every rule");
  else if (entry(samlab_ascent_hparams, d->name) && plain[0])
    snprintf(buf + strlen(buf), len - strlen(buf), "%severy rule but %s", buf[0] ? ", " : "", plain);
  else if (entry(samlab_ascent_hparams, d->name))
    join(buf, len, "every rule");
  else if (rules[0])
    join(buf, len, rules);
}

/* Appends e's default, followed by " for TAKERS" unless takers is NULL. */
static void add_default(const samlab_hparam_desc *e, const char *takers, char *buf, size_t len)
{
  char v[32];
  samlab_hparam_value_text(e, e->def, v, sizeof v);
  size_t used = strlen(buf);
  snprintf(buf + used, len - used, "%s%s%s%s", used ? ", " : "", v, takers ? " for " : "", takers ? takers : "");
}

void cli_hparam_defaults(const samlab_hparam_desc *d, char *buf, size_t len)
{
  /* The default of the base optimizers or the shared tables, then the rules' own ones that differ, grouped by value
   * in registry order; one value alone when every rule that takes the parameter agrees. */
  const samlab_hparam_desc *general = entry(samlab_ascent_hparams, d->name), *last = NULL;
  if (!general)
    general = entry(samlab_run_hparams, d->name);
  for (size_t i = 0; samlab_base_types[i] && !general; i++)
    general = entry(samlab_base_types[i]->params, d->name);
  buf[0] = 0;
  if (general)
    add_default(general, NULL, buf, len);
  size_t groups = 0;
  for (size_t i = 0; samlab_rule_types[i]; i++) {
    const samlab_hparam_desc *e = entry(samlab_rule_types[i]->params, d->name), *f;
    int seen = general && e && e->def == general->def;
    for (size_t j = 0; e && j < i && !seen; j++)
      seen = (f = entry(samlab_rule_types[j]->params, d->name)) && f->def == e->def;
    if (!e || seen)
      continue;
    char takers[512] = "";
    for (size_t j = i; samlab_rule_types[j]; j++)
      if ((f = entry(samlab_rule_types[j]->params, d->name)) && f->def == e->def)
        join(takers, sizeof takers, samlab_rule_types[j]->name);
    add_default(e, takers, buf, len);
    last = e;
    groups++;
  }
  if (!general && groups == 1) {
    buf[0] = 0;
    add_default(last, NULL, buf, len);
  }
}

size_t cli_hparam_options(const samlab_hparam_desc **out)
{
  const samlab_hparam_desc *all[SAMLAB_HPARAMS_MAX];
  size_t n = samlab_hparams_of(NULL, NULL, all, SAMLAB_HPARAMS_MAX), k = 0;
  for (size_t i = 0; i < n; i++)
    if (all[i]->kind != SAMLAB_HP_RUN)
      out[k++] = all[i];
  return k;
}

void cli_hparam_option(const samlab_hparam_desc *d, char *buf, size_t len)
{
  snprintf(buf, len, "--%s%s", d->name,
           d->kind == SAMLAB_HP_FLAG             ? ""
           : d->kind == SAMLAB_HP_ASCENT       ? " normalized|raw"
           : d->kind == SAMLAB_HP_RHO_SCHEDULE ? " constant|linear|cosine|step|lr"
           : d->kind == SAMLAB_HP_LONG         ? " N"
                                               : " X");
}

/* A parameter's --help line: its option and the text (takers: help (was --old); range, default ...). */
static void hparam_line(const samlab_hparam_desc *d, char *option, size_t optlen, char *text, size_t textlen)
{
  char takers[512], defaults[256], range[64], was[64] = "";
  cli_hparam_takers(d, takers, sizeof takers);
  cli_hparam_defaults(d, defaults, sizeof defaults);
  if (d->kind != SAMLAB_HP_FLAG && d->kind != SAMLAB_HP_ASCENT && d->kind != SAMLAB_HP_RHO_SCHEDULE) /* the option
                                                                                                      says its values */
    samlab_hparam_range_text(d, range, sizeof range);
  else
    range[0] = 0;
  if (d->alias)
    snprintf(was, sizeof was, " (was --%s)", d->alias);
  cli_hparam_option(d, option, optlen);
  snprintf(text, textlen, "%s: %s%s; %s%sdefault %s", takers, d->help, was, range, range[0] ? ", " : "", defaults);
}

static void print_help(const cli_spec *s)
{
  printf("usage: %s\n\n%s\n\noptions:\n", s->usage, s->description);
  for (const cli_opt *o = s->opts; o && o->name; o++) {
    char left[64];
    if (o->short_name)
      snprintf(left, sizeof left, "-%c, --%s %s", o->short_name, o->name, o->kind == CLI_FLAG ? "" : o->metavar);
    else
      snprintf(left, sizeof left, "--%s %s", o->name, o->kind == CLI_FLAG ? "" : o->metavar);
    printf("  %-28s %s\n", left, o->help);
  }
  if (s->hp) {
    printf("\nhyperparameters (who takes each, what it is, its range and default; unset ones take the default):\n");
    cli_hparams_print();
  }
  printf("  %-28s %s\n", "-h, --help", "show this help");
}

void cli_hparams_print(void)
{
  const samlab_hparam_desc *opts[SAMLAB_HPARAMS_MAX];
  size_t n = cli_hparam_options(opts);
  for (size_t i = 0; i < n; i++) {
    char option[64], text[1024];
    hparam_line(opts[i], option, sizeof option, text, sizeof text);
    printf("  %-28s %s\n", option, text);
  }
}

long cli_long(const char *cmd, const char *opt, const char *text)
{
  char why[128];
  long v;
  if (samlab_parse_long(text, &v, why, sizeof why) != 0)
    cli_die(cmd, "bad value '%s' for --%s: %s", text, opt, why);
  return v;
}

static void set_opt(const cli_spec *s, const cli_opt *o, const char *val)
{
  char why[128];
  switch (o->kind) {
  case CLI_FLAG:
    *(int *)o->dest = 1;
    break;
  case CLI_STR:
    *(const char **)o->dest = val;
    break;
  case CLI_DOUBLE:
    if (samlab_parse_double(val, (double *)o->dest, why, sizeof why) != 0)
      cli_die(s->command, "bad value '%s' for --%s: %s", val, o->name, why);
    break;
  case CLI_LONG:
    *(long *)o->dest = cli_long(s->command, o->name, val);
    break;
  }
}

/* Only MPI rank 0 writes, and the other ranks may run where the output's directory does not exist. */
static int mpi_rank_other_than_0(void)
{
  const char *vars[] = {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"};
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
    const char *v = getenv(vars[i]);
    if (v && *v && strcmp(v, "0") != 0)
      return 1;
  }
  return 0;
}

void cli_check_out(const char *cmd, const char *path)
{
  char err[1024];
  if (path && !mpi_rank_other_than_0() && samlab_out_check(path, err, sizeof err) != 0)
    cli_die(cmd, "%s", err);
}

static int parse_args(const cli_spec *s, int argc, char **argv, char **pos, int replay)
{
  int npos = 0, nseen = 0;
  const void *seen[256]; /* the options given so far (a cli_opt or a hyperparameter), and their values */
  const char *seen_value[256];
  for (int i = 1; i < argc; i++) {
    char *arg = argv[i];
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
      print_help(s);
      cli_exit(0);
    }
    if (arg[0] != '-' || arg[1] == 0 || (arg[1] != '-' && !isalpha((unsigned char)arg[1]))) {
      if (npos >= s->max_positional)
        cli_die(s->command, "unexpected argument '%s' (see --help)", arg);
      pos[npos++] = arg;
      continue;
    }
    char name[64];
    const char *val = NULL;
    if (arg[1] == '-') {
      const char *eq = strchr(arg + 2, '=');
      size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
      if (len >= sizeof name)
        cli_die(s->command, "unknown option '%s' (see --help)", arg);
      memcpy(name, arg + 2, len);
      name[len] = 0;
      if (eq)
        val = eq + 1;
    } else {
      name[0] = 0;
      for (const cli_opt *o = s->opts; o && o->name; o++)
        if (o->short_name == arg[1] && arg[2] == 0)
          snprintf(name, sizeof name, "%s", o->name);
      if (!name[0])
        cli_die(s->command, "unknown option '%s' (see --help)", arg);
    }
    const cli_opt *opt = NULL;
    for (const cli_opt *o = s->opts; o && o->name; o++)
      if (strcmp(o->name, name) == 0)
        opt = o;
    const samlab_hparam_desc *hd = s->hp ? samlab_hparam_find(NULL, NULL, name) : NULL;
    if (hd && hd->kind == SAMLAB_HP_RUN) /* set by the command, not an option */
      hd = NULL;
    if (!opt && !hd)
      cli_die(s->command, "unknown option '--%s' (see --help)", name);
    const void *key = opt ? (const void *)opt : (const void *)hd;
    int is_flag = opt ? opt->kind == CLI_FLAG : hd->kind == SAMLAB_HP_FLAG;
    if (is_flag && val)
      cli_die(s->command, "option --%s takes no value", name);
    if (!is_flag && !val) {
      if (i + 1 >= argc)
        cli_die(s->command, "option --%s needs a value", name);
      val = argv[++i];
    }
    for (int k = 0; k < nseen && !replay; k++)
      if (seen[k] == key)
        cli_die(s->command, "option --%s given twice%s%s%s%s%s: give it once", name, val ? " ('" : "",
                val ? seen_value[k] : "", val ? "', then '" : "", val ? val : "", val ? "')" : "");
    if (nseen < (int)(sizeof seen / sizeof seen[0])) {
      seen_value[nseen] = val;
      seen[nseen++] = key;
    }
    if (opt) {
      set_opt(s, opt, val);
    } else {
      char err[256];
      if (samlab_hparam_set(s->hp, hd, val ? val : "", err, sizeof err) != 0)
        cli_die(s->command, "%s", err);
    }
  }
  for (const cli_opt *o = s->opts; o && o->name && !replay; o++)
    if (o->kind == CLI_STR && strcmp(o->name, "out") == 0)
      cli_check_out(s->command, *(const char **)o->dest);
  return npos;
}

int cli_parse(const cli_spec *s, int argc, char **argv, char **pos)
{
  return parse_args(s, argc, argv, pos, 0);
}

int cli_parse_replay(const cli_spec *s, int argc, char **argv, char **pos)
{
  return parse_args(s, argc, argv, pos, 1);
}

int cli_doubles(const char *cmd, const char *opt, const char *text, double *out, int max)
{
  int n = 0;
  const char *p = text;
  for (;;) {
    const char *end;
    char why[128];
    double v;
    if (samlab_parse_double_prefix(p, &v, &end, why, sizeof why) != 0)
      cli_die(cmd, "bad value '%s' for --%s: '%.*s': %s", text, opt, (int)strcspn(p, ","), p, why);
    if (*end && *end != ',')
      cli_die(cmd, "bad value '%s' for --%s: expected comma-separated numbers", text, opt);
    if (n >= max)
      cli_die(cmd, "bad value '%s' for --%s: more than %d numbers", text, opt, max);
    out[n++] = v;
    if (!*end)
      return n;
    p = end + 1;
  }
}

const samlab_rule_type *cli_rule(const char *cmd, const char *name, const samlab_hparams *hp)
{
  const samlab_rule_type *t = samlab_rule_find(name);
  const char *renamed = samlab_rule_renamed(name);
  if (renamed)
    fprintf(stderr, "samlab: rule %s is now %s\n", name, renamed);
  if (!t) {
    char list[1024] = "";
    for (size_t i = 0; samlab_rule_types[i]; i++) {
      strncat(list, samlab_rule_types[i]->name, sizeof list - strlen(list) - 3);
      if (samlab_rule_types[i + 1])
        strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    cli_die(cmd, "unknown rule '%s' (rules: %s)", name, list);
  }
  /* Options given under a parameter's old name: the rule takes them (samlab_rule_alloc), the user learns the new. */
  const samlab_hparam_desc *moved[SAMLAB_HPARAMS_MAX];
  samlab_hparams copy = *hp;
  size_t n = samlab_hparams_resolve_aliases(t, NULL, &copy, moved, SAMLAB_HPARAMS_MAX);
  for (size_t i = 0; i < n && i < SAMLAB_HPARAMS_MAX; i++)
    fprintf(stderr, "samlab: --%s for %s is now --%s\n", moved[i]->alias, t->name, moved[i]->name);
  return t;
}

const samlab_base_type *cli_base(const char *cmd, const char *name)
{
  const samlab_base_type *b = samlab_base_find(name);
  if (!b)
    cli_die(cmd, "unknown base optimizer '%s' (sgd, sgdm, adam, adamw)", name);
  return b;
}

void cli_subject_open(const char *cmd, samlab_subject_spec *ss, long precision, samlab_subject *sub)
{
  char err[1024];
  ss->precision = (int)precision;
  if (samlab_subject_open(ss, sub, err, sizeof err) != 0)
    cli_die(cmd, "%s", err);
}

size_t cli_subject_examples(const char *cmd, const samlab_subject *sub, long examples)
{
  if (!sub->train)
    return 0;
  size_t n = examples == 0 || (size_t)examples > sub->train->n ? sub->train->n : (size_t)examples;
  size_t *idx = malloc(n * sizeof *idx);
  if (!idx)
    cli_die(cmd, "out of memory");
  for (size_t i = 0; i < n; i++)
    idx[i] = i;
  if (samlab_problem_set_batch(sub->p, examples == 0 ? NULL : idx, n) != 0)
    cli_die(cmd, "cannot select %zu examples", n);
  free(idx); /* the problem keeps its own copy of the batch */
  return n;
}
