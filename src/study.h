/* study.h - many runs of one site: the cases of a contingency study or a
 * parameter sweep, run in parallel worker processes (fork) or over MPI
 * ranks, each finished case appended to a journal, the results ranked into
 * one table.
 *
 * A case is the base run (dct_run_opts) with failures at a time (scenario
 * events added to the base scenario), --set overrides, a profile or a
 * scenario file of its own.  Every process enumerates the same cases in
 * the same order, so only case numbers travel to the workers; a result
 * travels back as one journal line, and the table is made from journal
 * lines only: it is the same, byte for byte, whichever process ran what.
 */
#ifndef DCT_STUDY_H
#define DCT_STUDY_H

#include <stddef.h>
#include "run.h"
#include "scenario.h"
#include "site.h"

/* One failure of a case: a component, whole (units and fans 0), n of its
 * units, or the fans of n units. */
typedef struct dct_study_fail {
    const dct_comp *c;        /* borrowed from the study's site */
    int units, fans;
} dct_study_fail;

typedef struct dct_study_case {
    char *what;               /* what failed / the inputs, for people */
    char *key;                /* unique, stable: the journal's key */
    unsigned long mult;       /* identical cases it stands for */
    dct_study_fail fail[2];
    size_t n_fail;
    char **sets;              /* "ID.PARAM=VALUE" (owned) */
    size_t n_sets;
    const char *profile;      /* NULL: the base's (borrowed) */
    const char *scenario_path;   /* NULL: the base's (borrowed) */
    double *x;                /* sweep: the inputs, SI (owned) */
} dct_study_case;

/* A case's result, as a journal line holds it. */
typedef struct dct_study_row {
    size_t icase;
    int status;
    char *mg_id, *mg_label, *mg_unit, *error, *throttle_id;   /* owned */
    double mg_value, mg_margin, mg_pct;
    double time_to_throttle;  /* [s]; NAN: none */
    double unserved_J;
    long rack_trips, n_events;
    double wall_s;            /* timing: not part of the table */
    char *kinds;              /* "KIND=PCT;..." the worst % of each kind
                                 of margin, kinds sorted (owned) */
    int is_done;
} dct_study_row;

typedef struct dct_study {
    const char *cmd;          /* "contingency", "sweep": messages */
    dct_run_opts base;        /* the base run (borrowed strings) */
    const dct_scenario *base_sc;  /* the base scenario, or NULL */
    double t_at;              /* [s] failures happen then */
    dct_study_case *cases;
    size_t n_cases;
    dct_study_row *rows;      /* [n_cases] */
    const char *dir;          /* the study directory */
    int jobs;                 /* worker processes; 0: the cores */
    int is_resume;
    int is_quiet;
    double wall_s;
} dct_study;

/* The single failures of site S (dct_etype.fail.single), identical
 * components taken once with their multiplicity, restricted to the types
 * named in ONLY (comma-separated element names; NULL: all): cases with one
 * failure (DEPTH 1) or with every pair (DEPTH 2).  Returns 0 and the
 * cases in *CASES, *N; -1 out of memory.  ONLY naming no failable type is
 * reported in D and gives -1 too.  *N_SINGLE: the single failures before
 * merging the identical ones. */
int dct_study_enumerate(const dct_site *s, int depth, const char *only,
                        dct_study_case **cases, size_t *n,
                        size_t *n_single, dct_diag *d);

void dct_study_cases_free(dct_study_case *c, size_t n);

/* Run the cases of ST not already in its journal (ST->is_resume), each
 * once, in ST->jobs worker processes or over the MPI ranks; fill ST->rows.
 * Returns 0, or an exit status (message printed). */
int dct_study_run(dct_study *st);

void dct_study_rows_free(dct_study *st);

/* The worst % of the margin kind KIND ("T_j_hot.throttle") in ROW, or
 * NAN. */
double dct_study_kind_pct(const dct_study_row *row, const char *kind);

/* Whether this process runs under mpirun with more than one rank; and its
 * rank.  MPI is initialised the first time this is asked. */
int dct_study_mpi_size(int *rank);
void dct_study_mpi_end(void);

#endif
