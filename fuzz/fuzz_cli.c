/* The command-line parser: the bytes, split at NUL bytes, as the arguments of a command whose table has every
 * kind of option (flag, text, number, integer, a number list, the output file) and every hyperparameter; then the
 * checks the commands make on what it parsed, and the number parser on each argument alone. */
#include <string.h>
#include "samlab.h"
#include "../src/cli.h"
#include "fuzz.h"

static const char *text_opt, *list_opt, *out_opt;
static double number_opt;
static long integer_opt;
static int flag_opt;
static samlab_hparams hp;

static int parse_command(int argc, char **argv)
{
  const cli_opt opts[] = {{"flag", 'f', CLI_FLAG, &flag_opt, "", "a flag"},
                          {"text", 't', CLI_STR, &text_opt, "T", "text"},
                          {"number", 'n', CLI_DOUBLE, &number_opt, "X", "a number"},
                          {"integer", 'i', CLI_LONG, &integer_opt, "N", "an integer"},
                          {"list", 0, CLI_STR, &list_opt, "X,Y", "numbers"},
                          {"out", 'o', CLI_STR, &out_opt, "FILE", "the output"},
                          {NULL, 0, 0, NULL, NULL, NULL}};
  const cli_spec spec = {"fuzz", "samlab fuzz [options] [A B]", "The parser under fuzzing.", opts, &hp, 2};
  char *pos[2];
  int npos = cli_parse(&spec, argc, argv, pos);
  double values[16];
  if (list_opt)
    cli_doubles("fuzz", "list", list_opt, values, 16);
  if (text_opt)
    cli_long("fuzz", "text", text_opt);
  char err[256];
  samlab_hparams_check(&hp, err, sizeof err);
  return npos;
}

int fuzz_cli(const uint8_t *data, size_t size)
{
  char buf[4096], *argv[66] = {"fuzz"};
  int argc = 1;
  size = size < sizeof buf - 1 ? size : sizeof buf - 1;
  memcpy(buf, data, size);
  buf[size] = 0;
  for (size_t i = 0; i < size && argc < 65; i += strlen(buf + i) + 1)
    argv[argc++] = buf + i;
  argv[argc] = NULL;
  for (int i = 1; i < argc; i++) {
    double x;
    long n;
    char why[128];
    samlab_parse_double(argv[i], &x, why, sizeof why);
    samlab_parse_long(argv[i], &n, why, sizeof why);
  }
  text_opt = list_opt = out_opt = NULL;
  samlab_hparams_unset(&hp);
  fuzz_command(parse_command, argc, argv);
  return 0;
}
