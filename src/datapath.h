/* datapath.h - where dctwin finds its data: model libraries (with the
 * criteria/ and profiles/ below them), plot templates and weather files.
 *
 * Every kind is searched the same way, in this order:
 *   1. the directories of the environment variable (DCTWIN_MODELS_PATH,
 *      DCTWIN_PLOTS_PATH, DCTWIN_WEATHER_PATH), colon-separated, in order;
 *   2. a build tree: when the running executable (/proc/self/exe) sits in
 *      the directory it was built in, the source tree's models/, plots/ or weather/
 *      (the source directory configure recorded, so VPATH builds work too),
 *      and the directory models/, plots/ or weather/ beside the executable when it
 *      exists (a build in the source tree that was moved);
 *   3. the installed data directory, relocated: pkgdatadir/models or
 *      pkgdatadir/plots reached from the executable's directory by the
 *      relative path from bindir to pkgdatadir (../share/dctwin by
 *      default), so an installed tree that is moved still finds its data;
 *   4. the configured pkgdatadir itself (when different).
 * The configured directories come from paths.h, which make regenerates
 * whenever prefix, bindir or pkgdatadir change. */
#ifndef DCT_DATAPATH_H
#define DCT_DATAPATH_H

typedef enum dct_data_kind {
    DCT_DATA_MODELS, DCT_DATA_PLOTS, DCT_DATA_WEATHER
} dct_data_kind;

/* The directories searched for KIND, in order, without duplicates, joined
 * by SEP (":" to walk them with strtok_r, ", " for a message).  Caller
 * frees; NULL when out of memory. */
char *dct_datapath(dct_data_kind kind, const char *sep);

/* REL (a relative path, e.g. "criteria/default.xml") in the first
 * directory of KIND's search path where it is a regular file: the path,
 * malloc'd (caller frees); NULL when it is nowhere (or out of memory). */
char *dct_datapath_find(dct_data_kind kind, const char *rel);

#endif
