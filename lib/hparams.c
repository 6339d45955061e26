/* Hyperparameters: the shared tables, and what every table serves (lookup, parsing, range checks, defaults, old
 * spellings).  Each rule's own table is in its file in lib/rules/, each base optimizer's in lib/base.c. */
#include <stdio.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "samlab/rule.h"
#include "samlab/parse.h"

const samlab_hparam_desc samlab_ascent_hparams[] = {
    SAMLAB_HPARAM("rho", SAMLAB_HP_DOUBLE, rho, 0.05, SAMLAB_RANGE_GE(0), "perturbation radius rho"),
    SAMLAB_HPARAM("stable", SAMLAB_HP_FLAG, stable, 0, SAMLAB_RANGE_CLOSED(0, 1),
                  "renormalise g_s to the norm of g (StableSAM)"),
    SAMLAB_HPARAM("ascent", SAMLAB_HP_ASCENT, ascent_raw, 0, SAMLAB_RANGE_CLOSED(0, 1),
                  "normalized: eps = rho d/||d||; raw: eps = rho d"),
    SAMLAB_HPARAM("rho-schedule", SAMLAB_HP_RHO_SCHEDULE, rho_schedule, SAMLAB_RHO_CONSTANT,
                  SAMLAB_RANGE_CLOSED(0, SAMLAB_RHO_SCHEDULES - 1), "rho_t over the run (constant: rho)"),
    SAMLAB_HPARAM("rho-min", SAMLAB_HP_DOUBLE, rho_min, 0, SAMLAB_RANGE_GE(0), "the schedule's smallest rho"),
    SAMLAB_HPARAM("rho-max", SAMLAB_HP_DOUBLE, rho_max, NAN, SAMLAB_RANGE_GE(0),
                  "the schedule's largest rho (unset: rho)"),
    {0}};

const char *const samlab_rho_schedule_names[] = {"constant", "linear", "cosine", "step", "lr"};

double samlab_rho_at(const samlab_hparams *hp, long t, double lr0)
{
  double hi = isnan(hp->rho_max) ? hp->rho : hp->rho_max, lo = hp->rho_min;
  long T = hp->total_steps;
  double frac = T > 0 ? fmin(1.0, (double)t / (double)T) : 0.0;
  switch (hp->rho_schedule) {
  case SAMLAB_RHO_LINEAR:
    return hi + (lo - hi) * frac;
  case SAMLAB_RHO_COSINE:
    return lo + (hi - lo) * 0.5 * (1.0 + cos(M_PI * frac));
  case SAMLAB_RHO_STEP:
    return T > 0 && 2 * t >= T ? lo : hi;
  case SAMLAB_RHO_LR:
    return lr0 > 0 ? lo + (hi - lo) * hp->lr / lr0 : hi;
  default:
    return hp->rho;
  }
}

const samlab_hparam_desc samlab_run_hparams[] = {
    SAMLAB_HPARAM("seed", SAMLAB_HP_RUN, seed, 1, SAMLAB_RANGE_GE(0), "seed of the rule's random numbers"),
    SAMLAB_HPARAM("total_steps", SAMLAB_HP_RUN, total_steps, 0, SAMLAB_RANGE_GE(0),
                  "T, the steps of the whole run (0: unknown)"),
    {0}};

/* Appends the entries of table whose names are not in out yet. */
static size_t add_table(const samlab_hparam_desc *table, const samlab_hparam_desc **out, size_t n, size_t max)
{
  for (const samlab_hparam_desc *d = table; d && d->name; d++) {
    size_t i = 0;
    while (i < n && strcmp(out[i]->name, d->name) != 0)
      i++;
    if (i == n && n < max)
      out[n++] = d;
  }
  return n;
}

size_t samlab_hparams_of(const samlab_rule_type *rule, const samlab_base_type *base, const samlab_hparam_desc **out,
                         size_t max)
{
  size_t n = 0;
  if (max > SAMLAB_HPARAMS_MAX)
    max = SAMLAB_HPARAMS_MAX;
  if (rule) { /* the rule's own first: its entries override the shared ones */
    n = add_table(rule->params, out, n, max);
    if (!rule->plain)
      n = add_table(samlab_ascent_hparams, out, n, max);
    n = add_table(samlab_run_hparams, out, n, max);
  }
  if (base)
    n = add_table(base->params, out, n, max);
  for (size_t i = 0; !base && samlab_base_types[i]; i++)
    n = add_table(samlab_base_types[i]->params, out, n, max);
  if (!rule) {
    n = add_table(samlab_ascent_hparams, out, n, max);
    n = add_table(samlab_run_hparams, out, n, max);
    for (size_t i = 0; samlab_rule_types[i]; i++)
      n = add_table(samlab_rule_types[i]->params, out, n, max);
  }
  return n;
}

const samlab_hparam_desc *samlab_hparam_find(const samlab_rule_type *rule, const samlab_base_type *base,
                                             const char *name)
{
  const samlab_hparam_desc *all[SAMLAB_HPARAMS_MAX];
  size_t n = samlab_hparams_of(rule, base, all, SAMLAB_HPARAMS_MAX);
  for (size_t i = 0; i < n; i++)
    if (strcmp(all[i]->name, name) == 0)
      return all[i];
  return NULL;
}

static int is_double(const samlab_hparam_desc *d)
{
  return d->kind == SAMLAB_HP_DOUBLE;
}

void samlab_hparams_unset(samlab_hparams *hp)
{
  const samlab_hparam_desc *all[SAMLAB_HPARAMS_MAX];
  size_t n = samlab_hparams_of(NULL, NULL, all, SAMLAB_HPARAMS_MAX);
  memset(hp, 0, sizeof *hp);
  for (size_t i = 0; i < n; i++) {
    char *field = (char *)hp + all[i]->offset;
    if (is_double(all[i]))
      *(double *)field = NAN;
    else
      *(long *)field = -1;
  }
}

double samlab_hparam_get(const samlab_hparams *hp, const samlab_hparam_desc *d)
{
  const char *field = (const char *)hp + d->offset;
  if (is_double(d))
    return *(const double *)field;
  long v = *(const long *)field;
  return v < 0 ? NAN : (double)v;
}

static void put(samlab_hparams *hp, const samlab_hparam_desc *d, double v)
{
  char *field = (char *)hp + d->offset;
  if (is_double(d))
    *(double *)field = v;
  else
    *(long *)field = (long)v;
}

void samlab_hparam_value_text(const samlab_hparam_desc *d, double v, char *buf, size_t len)
{
  if (isnan(v))
    snprintf(buf, len, "unset");
  else if (d->kind == SAMLAB_HP_RHO_SCHEDULE && v >= 0 && v < SAMLAB_RHO_SCHEDULES)
    snprintf(buf, len, "%s", samlab_rho_schedule_names[(int)v]);
  else if (d->kind == SAMLAB_HP_FLAG && (v == 0 || v == 1))
    snprintf(buf, len, "%s", v == 1 ? "on" : "off");
  else if (d->kind == SAMLAB_HP_ASCENT && (v == 0 || v == 1))
    snprintf(buf, len, "%s", v == 1 ? "raw" : "normalized");
  else if (is_double(d))
    snprintf(buf, len, "%g", v);
  else
    snprintf(buf, len, "%ld", (long)v);
}

void samlab_hparam_range_text(const samlab_hparam_desc *d, char *buf, size_t len)
{
  char lo[32] = "", hi[32] = "";
  if (isfinite(d->min))
    samlab_hparam_value_text(d, d->min, lo, sizeof lo);
  if (isfinite(d->max))
    samlab_hparam_value_text(d, d->max, hi, sizeof hi);
  int open_lo = (d->open & SAMLAB_HP_OPEN_MIN) != 0, open_hi = (d->open & SAMLAB_HP_OPEN_MAX) != 0;
  if (d->kind == SAMLAB_HP_FLAG || d->kind == SAMLAB_HP_ASCENT)
    snprintf(buf, len, "%s or %s", lo, hi);
  else if (d->kind == SAMLAB_HP_RHO_SCHEDULE)
    snprintf(buf, len, "constant, linear, cosine, step or lr");
  else if (isinf(d->min) && isinf(d->max))
    snprintf(buf, len, "any number");
  else if (isinf(d->max))
    snprintf(buf, len, "%s %s", open_lo ? ">" : ">=", lo);
  else if (isinf(d->min))
    snprintf(buf, len, "%s %s", open_hi ? "<" : "<=", hi);
  else
    snprintf(buf, len, "in %c%s, %s%c", open_lo ? '(' : '[', lo, hi, open_hi ? ')' : ']');
}

/* 0 if v is in d's range, else -1 with the message naming the option and the range. */
static int check_value(const samlab_hparam_desc *d, double v, char *err, size_t errlen)
{
  int above = d->open & SAMLAB_HP_OPEN_MIN ? v > d->min : v >= d->min;
  int below = d->open & SAMLAB_HP_OPEN_MAX ? v < d->max : v <= d->max;
  if (above && below)
    return 0;
  char value[32], range[64];
  samlab_hparam_value_text(d, v, value, sizeof value);
  samlab_hparam_range_text(d, range, sizeof range);
  snprintf(err, errlen, "bad value %s for --%s: must be %s", value, d->name, range);
  return -1;
}

int samlab_hparam_set(samlab_hparams *hp, const samlab_hparam_desc *d, const char *text, char *err, size_t errlen)
{
  char why[128];
  double v;
  long l;
  switch (d->kind) {
  case SAMLAB_HP_DOUBLE:
    if (samlab_parse_double(text, &v, why, sizeof why) != 0)
      goto bad;
    break;
  case SAMLAB_HP_LONG:
  case SAMLAB_HP_RUN:
    if (samlab_parse_long(text, &l, why, sizeof why) != 0)
      goto bad;
    v = (double)l;
    break;
  case SAMLAB_HP_FLAG:
    v = 1;
    break;
  case SAMLAB_HP_RHO_SCHEDULE:
    v = -1;
    for (int i = 0; i < SAMLAB_RHO_SCHEDULES; i++)
      if (strcmp(text, samlab_rho_schedule_names[i]) == 0)
        v = i;
    snprintf(why, sizeof why, "expected constant, linear, cosine, step or lr");
    if (v < 0)
      goto bad;
    break;
  case SAMLAB_HP_ASCENT:
    snprintf(why, sizeof why, "expected 'normalized' or 'raw'");
    if (strcmp(text, "raw") != 0 && strcmp(text, "normalized") != 0)
      goto bad;
    v = strcmp(text, "raw") == 0;
    break;
  default:
    snprintf(why, sizeof why, "not a hyperparameter with a value");
    goto bad;
  }
  if (check_value(d, v, err, errlen) != 0)
    return -1;
  put(hp, d, v);
  return 0;
bad:
  snprintf(err, errlen, "bad value '%s' for --%s: %s", text, d->name, why);
  return -1;
}

int samlab_hparams_check(const samlab_hparams *hp, char *err, size_t errlen)
{
  const samlab_hparam_desc *all[SAMLAB_HPARAMS_MAX];
  size_t n = samlab_hparams_of(NULL, NULL, all, SAMLAB_HPARAMS_MAX);
  for (size_t i = 0; i < n; i++) {
    double v = samlab_hparam_get(hp, all[i]);
    if (!isnan(v) && check_value(all[i], v, err, errlen) != 0)
      return -1;
  }
  double hi = isnan(hp->rho_max) ? hp->rho : hp->rho_max;
  if (!isnan(hp->rho_min) && !isnan(hi) && hp->rho_min > hi) {
    snprintf(err, errlen, "bad value %g for --rho-min: above --rho-max %g", hp->rho_min, hi);
    return -1;
  }
  return 0;
}

size_t samlab_hparams_resolve_aliases(const samlab_rule_type *rule, const samlab_base_type *base, samlab_hparams *hp,
                                      const samlab_hparam_desc **moved, size_t max)
{
  const samlab_hparam_desc *own[SAMLAB_HPARAMS_MAX];
  size_t n = samlab_hparams_of(rule, base, own, SAMLAB_HPARAMS_MAX), count = 0;
  for (size_t i = 0; i < n; i++) {
    const samlab_hparam_desc *d = own[i], *old;
    if (!d->alias || samlab_hparam_find(rule, base, d->alias) || !(old = samlab_hparam_find(NULL, NULL, d->alias)))
      continue;
    double v = samlab_hparam_get(hp, old);
    if (isnan(v) || !isnan(samlab_hparam_get(hp, d)))
      continue;
    put(hp, d, v);
    if (moved && count < max)
      moved[count] = d;
    count++;
  }
  return count;
}

void samlab_hparams_fill(const samlab_rule_type *rule, const samlab_base_type *base, samlab_hparams *hp)
{
  samlab_hparams_resolve_aliases(rule, base, hp, NULL, 0);
  const samlab_hparam_desc *own[SAMLAB_HPARAMS_MAX];
  size_t n = samlab_hparams_of(rule, base, own, SAMLAB_HPARAMS_MAX);
  for (size_t i = 0; i < n; i++)
    if (isnan(samlab_hparam_get(hp, own[i])))
      put(hp, own[i], own[i]->def);
}
