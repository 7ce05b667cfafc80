/* main.c - entry point; everything else is in cli.c. */
#include "config.h"
#include "cli.h"

int main(int argc, char **argv)
{
    return dct_cli_main(argc, argv);
}
