/* site.h - the plain-C facility description built from the XML.
 *
 * A dct_site owns every record it holds: one dct_comp per element instance
 * (a rack range is expanded to one record per rack), per model and per table
 * point, in document order, each remembering its file and line.  Parameter
 * values are stored in SI by parameter index (component.h).  After
 * dct_site_load succeeds, every instance's values are *effective*: given on
 * the instance, else on its model, else the table default; references are
 * resolved to record pointers.
 *
 * libxml2 types never appear here.
 */
#ifndef DCT_SITE_H
#define DCT_SITE_H

#include <stddef.h>
#include "component.h"
#include "diag.h"

/* Input caps: inputs beyond these are refused with a clear message. */
#define DCT_MAX_FILE_BYTES (8L * 1024 * 1024)   /* one XML file */
#define DCT_MAX_RACKS 100000L
#define DCT_MAX_COMPS 250000L                   /* records of all kinds */
#define DCT_MAX_INCLUDE_DEPTH 16

typedef struct dct_comp dct_comp;

typedef struct dct_reflist {
    dct_comp **v;
    size_t n;
} dct_reflist;

struct dct_comp {
    dct_type type;
    int is_model;             /* a "<type>-model" record */
    char *id;                 /* instance id, or model name (owned) */
    const char *file;         /* borrowed from the site's file list */
    long line;
    double *q;                /* [n_params] SI values (INT as double);
                                 NAN when absent */
    char **s;                 /* [n_params] text as written, or NULL */
    unsigned char *given;     /* [n_params] 1 when given on this element */
    dct_reflist *ref;         /* [n_params] resolved REF/REFS targets;
                                 NULL for a type without references */
    char *model_name;         /* model= on an instance (owned), or NULL */
    char *source;             /* source= on a model (owned), or NULL */
    dct_comp *model;          /* resolved model, or NULL */
    dct_comp *parent;         /* enclosing record (row of a rack, model of
                                 a point, hall-air of a crah), or NULL */
    dct_comp **pts;           /* table points of a model, in order */
    size_t n_pts;
    size_t index;             /* position in site->comps */
};

typedef struct dct_site {
    char *name;               /* site name= */
    char *description;
    char *file;               /* the site file as given */
    char **files;             /* every file read (site first), owned */
    size_t n_files;
    dct_comp **comps;         /* every record, document order */
    size_t n_comps, cap_comps;
    dct_comp *ambient;        /* NULL: defaults */
    size_t n_racks;
    /* Id index built by dct_site_check (open addressing; a slot holds a
       comps index + 1, 0 when empty); used while n_comps == idx_n. */
    size_t *idx;
    size_t idx_cap, idx_n;
} dct_site;

/* Read and check the site file PATH with everything it includes.  Every
 * problem found is recorded in D as "FILE:LINE: error: ..." (D collects
 * all of them); returns the site, or NULL when any error was found.
 * Caller frees with dct_site_free. */
dct_site *dct_site_load(const char *path, dct_diag *d);

/* The same, with N_SETS overrides "ID.PARAM=VALUE" (--set) applied before
 * the checks: ID an instance id, a glob over instance ids, or a model
 * name; VALUE checked like the XML attribute.  Errors name "--set". */
dct_site *dct_site_load_set(const char *path, char *const *sets,
                            size_t n_sets, dct_diag *d);

/* What may change a site as it is read: --set overrides, and racks added
 * to a row (dctwin capacity): N_ADD racks of model ADD_MODEL in row
 * ADD_ROW (NULL: the first row), named "<row>-add01"..., on the profile
 * and phase of the row's last rack. */
typedef struct dct_site_opts {
    char *const *sets;
    size_t n_sets;
    const char *add_model;
    const char *add_row;
    long n_add;
    double add_scale;   /* the added racks' p-max, p-idle and flow are
                           scaled by it, (0, 1]; 0 means 1 */
} dct_site_opts;
dct_site *dct_site_load_opts(const char *path, const dct_site_opts *o,
                             dct_diag *d);

/* Read a model library file (root <library>) on its own, e.g. for
 * `dctwin models list`.  Same conventions as dct_site_load. */
dct_site *dct_site_load_library(const char *path, dct_diag *d);

void dct_site_free(dct_site *s);

/* Effective value of parameter I of C (SI), or NAN when absent. */
static inline double dct_q(const dct_comp *c, int i) { return c->q[i]; }
/* Effective text of parameter I, or NULL. */
static inline const char *dct_s(const dct_comp *c, int i) { return c->s[i]; }

/* Records of type T (instances only, not models) in document order:
 * fills OUT (may be NULL to count) and returns the count. */
size_t dct_site_find(const dct_site *s, dct_type t, const dct_comp **out,
                     size_t max);
/* Instance with id ID (the first one in document order), or NULL.  Uses
 * the id index after dct_site_check, else a linear search. */
const dct_comp *dct_site_get(const dct_site *s, const char *id);
/* The id of an instance or a model nearest to the misspelt ID (suggest.h),
 * or NULL. */
const char *dct_site_suggest_id(const dct_site *s, const char *id);
/* Model record of type T named NAME, or NULL. */
const dct_comp *dct_site_model(const dct_site *s, dct_type t,
                               const char *name);

/* Spares implied by a redundancy word: "N" 0, "N+1" 1, "N+2" 2, "2N" half
 * of COUNT; NULL means 0. */
int dct_redundancy_spares(const char *word, int count);

/* Internal: semantic checks after parsing (site_check.c). */
int dct_site_check(dct_site *s, dct_diag *d);
dct_comp *dct_site_add(dct_site *s, dct_type t, int is_model,
                       const char *file, long line);

#endif
