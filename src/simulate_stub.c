/* simulate_stub.c - placeholder until the model lands. */
#include "config.h"
#include "cli.h"
#include <stdio.h>
int dct_cmd_simulate(int argc, char **argv);
int dct_cmd_simulate(int argc, char **argv)
{
    (void)argc, (void)argv;
    fprintf(stderr, "dctwin: simulate: not yet available\n");
    return DCT_EXIT_USAGE;
}
