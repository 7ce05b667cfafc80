#include "config.h"
#include "cli.h"
int dct_cmd_compare(int argc, char **argv);
int dct_cmd_compare(int argc, char **argv) { (void)argc; (void)argv; return DCT_EXIT_USAGE; }
