/* samlab/rule.h: base optimizers and SAM rules.
 *   samlab_base_type  a base optimizer (sgd, sgdm, adam, adamw) with PyTorch conventions;
 *   samlab_rule_type  a SAM variant as a method table (name, state size, init, step or ascends) with its
 *                     parameter table, found by name in one registry, as GSL's gsl_multimin_fminimizer_type;
 *   samlab_rule       a rule's state over one problem size, opaque: the caller owns the loop and calls
 *                     samlab_rule_step(), reading what it needs through the accessors below. */
#ifndef SAMLAB_RULE_H
#define SAMLAB_RULE_H
#include <math.h>
#include <stddef.h>
#include "samlab/problem.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Every hyperparameter of every base optimizer and rule, one field per meaning.  NAN (doubles) / -1 (ints) mean
 * "unset": samlab_rule_alloc fills unset values from the parameter tables (samlab_hparam_desc below). */
typedef struct samlab_hparams {
  /* base optimizers (lib/base.c) */
  double lr, momentum, wd, beta1, beta2, adam_eps;
  /* rules (lib/rules/): the paper's letter where one rule owns it, the rule's name in front where others share it */
  double rho, eta, fishersam_eta, gamma, alpha, looksam_alpha, infosam_alpha, p, delta, lambda1, lambda2, lambda,
      sigma, theta, floor;
  /* the newer rules (lib/rules/sagm.c, gam.c, rsam.c, eigensam.c, bsam.c) */
  double sagm_alpha, gam_norm_rho, gam_beta1, gam_beta2, gam_beta3, gam_gamma, rsam_sigma, eigensam_alpha, bsam_beta2,
      bsam_damping, bsam_s_init, esam_beta, esam_gamma;
  long k, n, eigensam_k, power_iters, bsam_ndata;
  /* rho schedules (every rule with an ascent): rho_schedule a SAMLAB_RHO_* value, rho_t between rho_min and rho_max
   * (rho_max unset: rho) */
  long rho_schedule;
  double rho_min, rho_max;
  long stable;      /* 1: renormalise g_s to the norm of g (StableSAM), any rule with an ascent */
  long ascent_raw;  /* 1: eps = rho d (unnormalised ascent), 0: eps = rho d/(||d||+EPS) */
  long total_steps; /* T, for AE-SAM's schedule c_t */
  long seed;
} samlab_hparams;

/* DOUBLE and LONG are options with a value, FLAG an option without one (stored 1), ASCENT the option
 * --ascent normalized|raw (stored 0|1); RUN an integer the program sets (seed, total steps), not an option;
 * RHO_SCHEDULE the option --rho-schedule NAME (stored as its index in samlab_rho_schedule_names). */
typedef enum {
  SAMLAB_HP_DOUBLE,
  SAMLAB_HP_LONG,
  SAMLAB_HP_FLAG,
  SAMLAB_HP_ASCENT,
  SAMLAB_HP_RUN,
  SAMLAB_HP_RHO_SCHEDULE
} samlab_hp_kind;

/* Rho schedules over the run's T = hp.total_steps steps (docs/rules.md "Rho schedules"): constant rho_t = rho;
 * linear, cosine and step go from rho_max at t = 0 to rho_min at t = T (step: rho_max for t < T/2, then rho_min);
 * lr follows the learning rate, rho_min + (rho_max - rho_min) lr_t/lr_0 (GSAM's proportional scheduler, lr_min 0). */
enum {
  SAMLAB_RHO_CONSTANT,
  SAMLAB_RHO_LINEAR,
  SAMLAB_RHO_COSINE,
  SAMLAB_RHO_STEP,
  SAMLAB_RHO_LR,
  SAMLAB_RHO_SCHEDULES
};
extern const char *const samlab_rho_schedule_names[]; /* SAMLAB_RHO_SCHEDULES names, by value */
/* rho at step t of T for the schedule of hp (lr0: the learning rate the run started with); hp->rho when constant
 * or T < 1 for the schedules that need T. */
double samlab_rho_at(const samlab_hparams *hp, long t, double lr0);
enum { SAMLAB_HP_OPEN_MIN = 1, SAMLAB_HP_OPEN_MAX = 2 };

/* One hyperparameter as a rule type, a base optimizer or the shared tables declare it: the one place of its name,
 * default, range and help, from which come the command-line options, --help, the range checks, the HDF5
 * attributes, `samlab rules` and the docs' tables.  A table is an array ending in {0}.  Two tables may list the
 * same name (periodic-sam's and looksam's k) with their own defaults; then the field, kind and range agree. */
typedef struct samlab_hparam_desc {
  const char *name;   /* option name without dashes, also the HDF5 attribute name; NULL ends a table */
  samlab_hp_kind kind;
  size_t offset;      /* where the value lives in samlab_hparams */
  double def;         /* the default (an integer for LONG, FLAG, ASCENT and RUN) */
  double min, max;    /* the allowed range (-INFINITY, INFINITY: unbounded); integers have min >= 0 */
  unsigned open;      /* SAMLAB_HP_OPEN_MIN, SAMLAB_HP_OPEN_MAX: that end is excluded */
  const char *help;   /* what it is, in one line, with the paper's symbol */
  const char *alias;  /* the parameter's older spelling (another parameter's name), still accepted for the rules that
                       * have no parameter of that name, with a notice; NULL if none */
} samlab_hparam_desc;

/* Table entries: SAMLAB_HPARAM(name, kind, field, default, range, help), range one of the SAMLAB_RANGE_* below;
 * SAMLAB_HPARAM_RENAMED(old name, ...) for a parameter renamed from old name. */
#define SAMLAB_HPARAM(...) SAMLAB_HPARAM_ENTRY_(NULL, __VA_ARGS__)
#define SAMLAB_HPARAM_RENAMED(old, ...) SAMLAB_HPARAM_ENTRY_(old, __VA_ARGS__)
#define SAMLAB_HPARAM_ENTRY_(old, name_, kind_, field_, def_, min_, max_, open_, help_)                               \
  {.name = name_, .kind = kind_, .offset = offsetof(samlab_hparams, field_), .def = def_, .min = min_, .max = max_,  \
   .open = open_, .help = help_, .alias = old}
#define SAMLAB_RANGE_ANY -INFINITY, INFINITY, 0
#define SAMLAB_RANGE_GE(a) a, INFINITY, 0                     /* [a, inf) */
#define SAMLAB_RANGE_GT(a) a, INFINITY, SAMLAB_HP_OPEN_MIN    /* (a, inf) */
#define SAMLAB_RANGE_CLOSED(a, b) a, b, 0                     /* [a, b] */
#define SAMLAB_RANGE_CLOSED_OPEN(a, b) a, b, SAMLAB_HP_OPEN_MAX /* [a, b) */

/* The shared tables (lib/hparams.c): rho, stable and ascent for every rule with an ascent (every rule that is not
 * plain); seed and total_steps for every rule. */
extern const samlab_hparam_desc samlab_ascent_hparams[];
extern const samlab_hparam_desc samlab_run_hparams[];

struct samlab_rule_type;
struct samlab_base_type;
/* The parameters of a rule over a base optimizer, each name once: the rule's own table (its entry overrides a shared
 * one of the same name, as stablesam's stable), samlab_ascent_hparams unless the rule is plain, samlab_run_hparams,
 * then the base optimizer's table.  base NULL: every base optimizer's; rule NULL: the base optimizers' first, then
 * the shared tables and every registered rule's.  At most max into out; returns the count (at most
 * SAMLAB_HPARAMS_MAX). */
#define SAMLAB_HPARAMS_MAX 64
size_t samlab_hparams_of(const struct samlab_rule_type *rule, const struct samlab_base_type *base,
                         const samlab_hparam_desc **out, size_t max);
/* The parameter called name among samlab_hparams_of(rule, base); NULL if none. */
const samlab_hparam_desc *samlab_hparam_find(const struct samlab_rule_type *rule, const struct samlab_base_type *base,
                                             const char *name);

void samlab_hparams_unset(samlab_hparams *hp); /* everything unset */
/* Parse text into the hyperparameter and check its range; 0 ok, -1 with a one-line message in err. */
int samlab_hparam_set(samlab_hparams *hp, const samlab_hparam_desc *d, const char *text, char *err, size_t errlen);
double samlab_hparam_get(const samlab_hparams *hp, const samlab_hparam_desc *d); /* NAN if unset */
/* The range as text ("> 0", "in [0, 1)", "off or on", "normalized or raw"), and a value as the option spells it
 * ("0.05", "on", "raw"). */
void samlab_hparam_range_text(const samlab_hparam_desc *d, char *buf, size_t len);
void samlab_hparam_value_text(const samlab_hparam_desc *d, double v, char *buf, size_t len);
/* Every set value within its parameter's range, whatever the rule; 0, or -1 with "bad value V for --NAME: must be
 * RANGE" in err. */
int samlab_hparams_check(const samlab_hparams *hp, char *err, size_t errlen);
/* Values given under an old spelling: each parameter of the rule whose alias is not itself a parameter of the rule
 * takes, when unset, the value set under the alias.  Returns how many did, the first max of them into moved (may be
 * NULL). */
size_t samlab_hparams_resolve_aliases(const struct samlab_rule_type *rule, const struct samlab_base_type *base,
                                      samlab_hparams *hp, const samlab_hparam_desc **moved, size_t max);
/* samlab_hparams_resolve_aliases, then every unset parameter of the rule over the base takes its default. */
void samlab_hparams_fill(const struct samlab_rule_type *rule, const struct samlab_base_type *base, samlab_hparams *hp);

/* ------------------------------------------------------------------ base optimizers */
/* What the fast sweep kernel (samlab/sweep.h) computes exactly, as rule and base types declare it: a plain
 * step or sam's ascent eps = rho g/(||g|| + EPS) (hp.stable and hp.ascent_raw honoured), over sgd or sgdm. */
enum { SAMLAB_SWEEP_NONE, SAMLAB_SWEEP_PLAIN, SAMLAB_SWEEP_ASCENT };
enum { SAMLAB_SWEEP_SGD = 1, SAMLAB_SWEEP_SGDM };

/* PyTorch conventions: SGD momentum v = mu v + g (v0 = g, no dampening, no Nesterov); Adam/AdamW with bias
 * correction and eps outside the sqrt; weight decay added to g for sgd/sgdm/adam, decoupled (old w) for adamw. */
typedef struct samlab_base_type {
  const char *name;
  size_t state_vectors; /* dim-length double vectors of state */
  /* t = number of earlier steps of this optimizer (0 on the first). */
  void (*step)(double *state, size_t dim, double *w, const double *g, const samlab_hparams *hp, long t);
  /* The same step from a float32 gradient (the same bits as step on g widened), also writing (float)w_i into
   * w32 after it, and returning g.g as samlab_dot sums it: for problems with value_grad_f32. */
  double (*step_f32)(double *state, size_t dim, double *w, const float *g32, float *w32, const samlab_hparams *hp,
                     long t);
  int sweep_kernel; /* SAMLAB_SWEEP_SGD or SAMLAB_SWEEP_SGDM: the fast sweep kernel has this optimizer (0: not) */
  const samlab_hparam_desc *params; /* its hyperparameters */
} samlab_base_type;

extern const samlab_base_type *const samlab_base_types[]; /* NULL-terminated */
const samlab_base_type *samlab_base_find(const char *name);

/* ------------------------------------------------------------------ rules */
typedef struct samlab_step_info {
  double loss;      /* f(w) before the step */
  double grad_norm; /* ||g|| at w */
  double gs_norm;   /* ||g_s|| at w + eps before any renormalisation, NAN on steps without ascent */
  double cos_g_gs;  /* cos(g, g_s), NAN on steps without ascent */
  int sam_used;     /* 1 if this step computed a perturbed gradient */
} samlab_step_info;

typedef struct samlab_rule samlab_rule;
typedef struct samlab_rule_type {
  const char *name;
  const char *paper;   /* where the rule comes from */
  const char *formula; /* one line, for --help and the README table */
  /* Bytes of rule state for a problem of dimension dim (zeroed before init). */
  size_t (*state_size)(size_t dim);
  /* Its own hyperparameters with their defaults and ranges (rho, stable, ascent, seed and the base optimizer's come
   * from the shared tables).  May be NULL. */
  const samlab_hparam_desc *params;
  /* Prepare state; may be NULL.  Returns 0 or -1. */
  int (*init)(samlab_rule *r);
  /* A rule whose every step is a base step with r->g, or samlab_ascent_step along r->g (ascent, then a base
   * step with g_s), needs no step function: plain = 1 says it never ascends (sgd); ascends says which one
   * this step takes, from g.g summed as samlab_dot sums it (sam, stablesam, periodic-sam, ss-sam, ae-sam;
   * called once a step).  samlab_rule_step may then run the step fused (see SAMLAB_RULE_FUSE_F32). */
  int plain;
  int (*ascends)(samlab_rule *r, double gg);
  /* One step, for every other rule.  On entry r->g holds the gradient at w, info->loss/grad_norm are set. */
  int (*step)(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info);
  int sweep_step; /* SAMLAB_SWEEP_PLAIN or SAMLAB_SWEEP_ASCENT: the fast sweep kernel computes its steps */
  /* 1: at rho = 0 the step is still not the base optimizer's with g (sagm's alpha, gam's beta1 + beta3, bsam's 1/s
   * and noise); 0: rho = 0 gives the base optimizer, as for sam and its kin. */
  int rho0_own_step;
} samlab_rule_type;

extern const samlab_rule_type *const samlab_rule_types[]; /* the registry, NULL-terminated */
/* The rule of that name, or of an old name (random-sam: ss-sam); NULL if none. */
const samlab_rule_type *samlab_rule_find(const char *name);
/* The new name of a renamed rule (random-sam: ss-sam), NULL if name is not an old one: callers that parse a
 * user's rule name print "samlab: rule OLD is now NEW". */
const char *samlab_rule_renamed(const char *name);

/* F-SAM's decomposition (its Sec. 4) of the mini-batch gradient gb against the full gradient g: the ascent
 * direction d of SAM-batch (gb), SAM-full (P, the component along g) or SAM-noise (gb - P); P = (gb.g/||g||^2) g
 * (orthogonal projection) or, literal, cos(g, gb) g as the paper prints it. */
typedef enum { SAMLAB_DECOMP_BATCH, SAMLAB_DECOMP_FULL, SAMLAB_DECOMP_NOISE } samlab_decomp;
void samlab_decompose_direction(size_t n, const double *gb, const double *g, samlab_decomp mode, int literal,
                                double *d);
/* Rule types that ascend along d of the given mode, the full gradient taken on the network's whole training set
 * at every step (networks only).  Not in the rule registry: used by samlab decompose. */
const samlab_rule_type *samlab_decompose_rule(samlab_decomp mode, int literal);
/* For a rule of samlab_decompose_rule: the mean of cos(gb, g) over its steps so far (steps into *steps). */
double samlab_decompose_mean_cos(const samlab_rule *r, long *steps);

/* Allocate a rule over a base optimizer; hp's unset values get their defaults (samlab_hparams_fill), then every set
 * value is range-checked (samlab_hparams_check).  NULL with a message on error. */
samlab_rule *samlab_rule_alloc(const samlab_rule_type *type, const samlab_base_type *base,
                               const samlab_hparams *hp, size_t dim, char *err, size_t errlen);
void samlab_rule_free(samlab_rule *r);
/* One step of the rule at w (updated in place).  info may be NULL. */
int samlab_rule_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info);
/* Save / restore the complete mutable state (t, base_t, states, RNG) for checkpoints. */
size_t samlab_rule_state_bytes(const samlab_rule *r);
void samlab_rule_state_save(const samlab_rule *r, void *buf);
void samlab_rule_state_load(samlab_rule *r, const void *buf);

/* What a rule computes beyond the step, by what its caller reads.  After samlab_rule_alloc the flags are
 * SAMLAB_RULE_KEEP_EPS | SAMLAB_RULE_GEOMETRY.  A caller that reads less clears them and saves a pass over
 * the weights in each SAM step (the trainer keeps GEOMETRY only with --trace-geometry):
 *   KEEP_EPS: samlab_rule_perturbation holds the perturbation after an ascent along a direction;
 *   GEOMETRY: info->gs_norm and info->cos_g_gs are computed (else NAN; StableSAM still uses ||g_s||);
 *   FUSE_F32: the caller changes w only through samlab_rule_step between steps, so on a problem with
 *     value_grad_f32 (a network) a base step whose gradient nothing else reads (the sgd rule's, and sam's and
 *     its kin's on g_s) takes the float32 gradient as it is and writes the float32 weights of the next
 *     evaluation in the same pass, and sam's ascent reads g in float32.  The same bits; in those steps the
 *     perturbed gradient, and the gradient for sgd and sam, are not kept.
 * FUSE_F32 takes effect only when KEEP_EPS and GEOMETRY are clear and hp.stable is 0. */
enum { SAMLAB_RULE_KEEP_EPS = 1, SAMLAB_RULE_GEOMETRY = 2, SAMLAB_RULE_FUSE_F32 = 4 };
void samlab_rule_set_flags(samlab_rule *r, unsigned flags);

/* Accessors. */
const samlab_rule_type *samlab_rule_get_type(const samlab_rule *r);
const samlab_base_type *samlab_rule_get_base(const samlab_rule *r);
size_t samlab_rule_dim(const samlab_rule *r);
long samlab_rule_steps(const samlab_rule *r); /* rule steps taken */
/* The filled-in hyperparameters; lr and rho may be changed between steps (schedules, decaying radii). */
const samlab_hparams *samlab_rule_hparams(const samlab_rule *r);
void samlab_rule_set_lr(samlab_rule *r, double lr);
void samlab_rule_set_rho(samlab_rule *r, double rho);
/* The rho the last step used: hp.rho, or its --rho-schedule's rho_t (hp.rho stays the configured value). */
double samlab_rule_step_rho(const samlab_rule *r);
/* Vectors of the last step (dim doubles, valid until the next): the gradient at w, the perturbed gradient
 * g_s (before the base step; not kept on fused steps) and the perturbation eps (with SAMLAB_RULE_KEEP_EPS). */
const double *samlab_rule_gradient(const samlab_rule *r);
const double *samlab_rule_perturbed_gradient(const samlab_rule *r);
const double *samlab_rule_perturbation(const samlab_rule *r);

#ifdef __cplusplus
}
#endif
#endif
