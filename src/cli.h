/* cli.h - the command line: options, subcommands, exit status. */
#ifndef DCT_CLI_H
#define DCT_CLI_H

/* Exit statuses (dctwin(1) EXIT STATUS). */
enum {
    DCT_EXIT_OK = 0,       /* ran; all margins / checks met */
    DCT_EXIT_MARGIN = 1,   /* ran; some margin or check failed */
    DCT_EXIT_USAGE = 2,    /* bad command line */
    DCT_EXIT_INPUT = 3,    /* input or validation error */
    DCT_EXIT_SOLVER = 4,   /* the solver failed */
    DCT_EXIT_OUTPUT = 5    /* an output could not be written */
};

int dct_cli_main(int argc, char **argv);

/* The subcommands: each parses its own options and returns an exit
 * status above (dct_cmd_plot is in plot.h). */
int dct_cmd_simulate(int argc, char **argv);
int dct_cmd_margins(int argc, char **argv);
int dct_cmd_capacity(int argc, char **argv);
int dct_cmd_profile(int argc, char **argv);
int dct_cmd_bess_report(int argc, char **argv);
int dct_cmd_contingency(int argc, char **argv);
int dct_cmd_sweep(int argc, char **argv);
int dct_cmd_compare(int argc, char **argv);
int dct_cmd_outputs(int argc, char **argv);

#endif
