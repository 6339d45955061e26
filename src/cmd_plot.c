/* samlab plot: placeholder until the plotting command lands. */
#include "cli.h"
#include "commands.h"

int cmd_plot(int argc, char **argv)
{
  cli_die("plot", "not implemented yet");
}
