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
    printf("\nhyperparameters (unset ones take the rule's defaults):\n");
    for (size_t i = 0; i < samlab_hparam_count; i++) {
      const samlab_hparam_desc *d = &samlab_hparam_table[i];
      char left[64];
      snprintf(left, sizeof left, "--%s %s", d->name,
               d->kind == SAMLAB_HP_FLAG ? "" : d->kind == SAMLAB_HP_ASCENT ? "MODE" : "X");
      printf("  %-28s %s\n", left, d->help);
    }
  }
  printf("  %-28s %s\n", "-h, --help", "show this help");
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
    const samlab_hparam_desc *hd = s->hp ? samlab_hparam_find(name) : NULL;
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

const samlab_rule_type *cli_rule(const char *cmd, const char *name)
{
  const samlab_rule_type *t = samlab_rule_find(name);
  if (!t) {
    char list[1024] = "";
    for (size_t i = 0; samlab_rule_types[i]; i++) {
      strncat(list, samlab_rule_types[i]->name, sizeof list - strlen(list) - 3);
      if (samlab_rule_types[i + 1])
        strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    cli_die(cmd, "unknown rule '%s' (rules: %s)", name, list);
  }
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
