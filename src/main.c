/* samlab <command> [options]: dispatch to the commands listed in commands.h. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "samlab.h"

typedef struct {
  const char *name, *summary;
  int (*run)(int, char **);
} command;

#define ENTRY(name, summary) {#name, summary, cmd_##name},
static const command commands[] = {SAMLAB_COMMANDS(ENTRY)};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
  fprintf(f, "usage: samlab <command> [options]   (samlab <command> --help for its options)\n\ncommands:\n");
  for (size_t i = 0; i < NCOMMANDS; i++)
    fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
    usage(stdout);
    return 0;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("samlab %s\n", SAMLAB_VERSION);
    return 0;
  }
  /* Before HDF5 starts: its exit-time cleanup crashes on a file whose close failed (disk full); samlab closes
   * every file itself. */
  H5dont_atexit();
  samlab_h5_quiet();
  signal(SIGXFSZ, SIG_IGN); /* over a file size limit, write fails (EFBIG) and the run reports it */
  samlab_partial_cleanup_on_signals();
  for (size_t i = 0; i < NCOMMANDS; i++)
    if (strcmp(argv[1], commands[i].name) == 0)
      return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "samlab: unknown command '%s' (samlab --help lists them)\n", argv[1]);
  return 2;
}
