/* redundancy.h - installed against needed for every redundant group of a
 * site, at full IT load: validate's summary (dctwin(1), validate).
 *
 * A group is what can lose units and go on: the CDUs of a CDU group (rows
 * listing the same CDUs), the pumps of a CDU, a heat-rejection group, the
 * CRAHs of the hall air, a rectifier group and the generator sets.  The
 * units needed are those whose ratings carry the group's load at full IT
 * load (every rack at p-max): for a CDU group both its racks' liquid heat
 * and their design flow (dct_cdu_units_needed, the same rule the model's
 * cdus_running margin uses); for a CDU's pumps the pumps less its declared
 * spares; otherwise the load over one unit's rating.  Loads are site-wide
 * except for CDU groups. */
#ifndef DCT_REDUNDANCY_H
#define DCT_REDUNDANCY_H

#include <stdio.h>
#include "site.h"

/* CDUs needed for racks putting HEAT [W] into the liquid at a design flow
 * MDOT [kg/s], with units of capacity CAP [W] and rated secondary flow MS
 * [kg/s]: max(ceil(HEAT / CAP), ceil(MDOT / MS)). */
int dct_cdu_units_needed(double heat, double mdot, double cap, double ms);

typedef struct dct_rgroup {
    char what[96];          /* "CDU group cdu-ab1 (3)", "dry (heat rejection)" */
    const dct_comp *at;     /* the record it was found at (file, line) */
    int installed, needed;
    int spares;             /* declared spares (redundancy word), 0: none */
    const char *declared;   /* the redundancy word, or NULL */
    double load;            /* [W] the load the needed units carry */
    double flow;            /* [kg/s] a CDU group's design flow, else NAN */
} dct_rgroup;

/* Fill OUT (at most MAX; OUT may be NULL to count) with the site's
 * redundant groups in document order; returns how many there are. */
size_t dct_redundancy_groups(const dct_site *s, dct_rgroup *out,
                             size_t max);

/* Print the groups as a table of validate's summary to F (NULL: no
 * table), and to WARN a warning "dctwin: FILE:LINE: warning: ..." for each
 * group whose installed units less its declared spares are fewer than it
 * needs.  Returns the number of such groups. */
int dct_redundancy_print(FILE *f, FILE *warn, const dct_site *s);

#endif
