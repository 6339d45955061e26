/* Numbers from text, decimal only: strtod alone would also take hex (0x10), inf, nan and leading spaces, and
 * call an underflow "not finite". */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "samlab/parse.h"

static const char *digits(const char *p)
{
  while (isdigit((unsigned char)*p))
    p++;
  return p;
}

/* The end of the decimal number at the start of p (sign, digits, point, exponent), or p if there is none. */
static const char *decimal_end(const char *p, int integer)
{
  const char *s = p + (*p == '+' || *p == '-'), *q = digits(s);
  int have = q > s;
  if (!integer && *q == '.') {
    const char *f = digits(q + 1);
    have |= f > q + 1;
    q = f;
  }
  if (!have)
    return p;
  if (!integer && (*q == 'e' || *q == 'E')) {
    const char *e = q + 1 + (q[1] == '+' || q[1] == '-'), *x = digits(e);
    if (x > e)
      q = x;
  }
  return q;
}

static int refuse(char *why, size_t whylen, const char *what)
{
  snprintf(why, whylen, "%s", what);
  return -1;
}

#define NOT_NUMBER "not a decimal number"
#define NOT_INTEGER "not a decimal integer"

/* A prefix parse (rc, ending at *end once done) that must have taken the whole text. */
static int whole(int rc, const char *const *end, const char *what, char *why, size_t whylen)
{
  return rc != 0 ? -1 : **end ? refuse(why, whylen, what) : 0;
}

int samlab_parse_double_prefix(const char *text, double *out, const char **end, char *why, size_t whylen)
{
  const char *stop = decimal_end(text, 0);
  if (stop == text)
    return refuse(why, whylen, NOT_NUMBER);
  char *e;
  errno = 0;
  double v = strtod(text, &e);
  if (e != stop) /* strtod read something else (e.g. 0x...) */
    return refuse(why, whylen, NOT_NUMBER);
  if (errno == ERANGE && fabs(v) < DBL_MIN) {
    snprintf(why, whylen, "underflows (nonzero numbers must be at least %g in magnitude)", DBL_MIN);
    return -1;
  }
  if (errno == ERANGE || !isfinite(v)) {
    snprintf(why, whylen, "overflows (numbers must be at most %g in magnitude)", DBL_MAX);
    return -1;
  }
  *out = v;
  *end = stop;
  return 0;
}

int samlab_parse_double(const char *text, double *out, char *why, size_t whylen)
{
  const char *end = text;
  double v = 0;
  if (whole(samlab_parse_double_prefix(text, &v, &end, why, whylen), &end, NOT_NUMBER, why, whylen) != 0)
    return -1;
  *out = v;
  return 0;
}

int samlab_parse_long_prefix(const char *text, long *out, const char **end, char *why, size_t whylen)
{
  const char *stop = decimal_end(text, 1);
  if (stop == text)
    return refuse(why, whylen, NOT_INTEGER);
  char *e;
  errno = 0;
  long v = strtol(text, &e, 10);
  if (errno == ERANGE || e != stop) {
    snprintf(why, whylen, "out of range (at most %ld in magnitude)", LONG_MAX);
    return -1;
  }
  *out = v;
  *end = stop;
  return 0;
}

int samlab_parse_long(const char *text, long *out, char *why, size_t whylen)
{
  const char *end = text;
  long v = 0;
  if (whole(samlab_parse_long_prefix(text, &v, &end, why, whylen), &end, NOT_INTEGER, why, whylen) != 0)
    return -1;
  *out = v;
  return 0;
}
