/* samlab/parse.h: numbers from text, the one reading of every numeric option, hyperparameter and list. */
#ifndef SAMLAB_PARSE_H
#define SAMLAB_PARSE_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A decimal number: optional sign, digits with an optional point, optional exponent (no hex, inf, nan or
 * spaces), within double's normal range.  The whole of text; 0, or -1 with why ("not a decimal number",
 * "underflows ...", "overflows ...") for a message "bad value 'TEXT' for --NAME: WHY". */
int samlab_parse_double(const char *text, double *out, char *why, size_t whylen);
/* The same at the start of text, in a list: *end is set past the number (the caller checks what follows). */
int samlab_parse_double_prefix(const char *text, double *out, const char **end, char *why, size_t whylen);
/* A decimal integer (optional sign, digits) within long's range; the whole of text, or a prefix with end. */
int samlab_parse_long(const char *text, long *out, char *why, size_t whylen);
int samlab_parse_long_prefix(const char *text, long *out, const char **end, char *why, size_t whylen);

#ifdef __cplusplus
}
#endif
#endif
