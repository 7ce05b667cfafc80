/* profile.h - load profiles: the load fraction u(t) in [0, 1] of each rack
 * and the breakpoints where u or its slope jumps.
 *
 * Shapes: constant; step; llm-training (synchronous-training square wave
 * with linear edges, low level as a fraction of the high level, per-rack
 * phase offsets with seeded jitter, GPU power smoothing, checkpoint dips,
 * job start/end ramps and seeded faults); job; inference (diurnal with
 * seeded bursts); mix (shares of racks on several profiles); csv (a trace
 * t_s,u or t_s,P_W, linearly interpolated).  A rack without a profile
 * runs its row's.  u is a fraction of the rack's p_max, and a rack draws
 * at least its idle power: P = max(p_idle, u p_max).
 */
#ifndef DCT_PROFILE_H
#define DCT_PROFILE_H

#include <stddef.h>
#include "diag.h"
#include "site.h"

typedef struct dct_profile_set dct_profile_set;

/* Build one profile instance per rack of the site.  OVERRIDE (may be NULL)
 * replaces every rack's profile: a profile id of the site, a built-in name
 * or a CSV file name.  SEED seeds the jitter.  Returns NULL with errors in
 * D.  Caller frees with dct_profile_set_free. */
dct_profile_set *dct_profile_set_new(const dct_site *s, const char *override,
                                     unsigned long seed, dct_diag *d);
void dct_profile_set_free(dct_profile_set *ps);
/* A set of one virtual rack (phase 0) on profile NAME: a profile id of S
 * (may be NULL), a built-in name or a CSV file.  Caller frees with
 * dct_profile_set_free. */
dct_profile_set *dct_profile_set_single(const dct_site *s, const char *name,
                                        unsigned long seed, dct_diag *d);
/* A scenario event for rack K (the site's rack R) at time T: switch to
 * profile NAME (NULL: keep the profile), on a time base that starts at T,
 * and/or scale u by SCALE (NAN: 1 on a switch, else keep).  Events of a
 * rack come in time order.  FILE, LINE: the event, for errors.  Call
 * dct_profile_set_finish after the last. */
int dct_profile_set_event(dct_profile_set *ps, const dct_site *s, size_t k,
                          const dct_comp *r, double t, const char *name,
                          double scale, const char *file, long line,
                          dct_diag *d);
int dct_profile_set_finish(dct_profile_set *ps);
/* A set of one rack on the built-in profile NAME (constant: u = 1;
 * llm-training: the <profile> table's defaults), for `dctwin profile`. */
dct_profile_set *dct_profile_set_builtin(const char *name, dct_diag *d);

/* Load fraction of rack K (index among the site's racks) at time T. */
double dct_profile_u(const dct_profile_set *ps, size_t k, double t);
/* Rack power P(t) [W] of rack K: max(p_idle, u p_max), or the trace
 * power of a csv profile given in watts. */
double dct_profile_power(const dct_profile_set *ps, size_t k, double t,
                         double p_idle, double p_max);
/* The power [W] of a rack at load fraction U: max(p_idle, u p_max). */
double dct_profile_level_power(double u, double p_idle, double p_max);
/* Whether some rack's load jumps at the breakpoint TB (a step, a
 * zero-width edge); at the others only its slope changes. */
int dct_profile_jumps_at(const dct_profile_set *ps, double tb);

/* Smallest breakpoint of any rack strictly after T; returns 0 if none. */
int dct_profile_next_breakpoint(const dct_profile_set *ps, double t,
                                double *tb);
/* Whether racks A and B have the same load u(t) at every t: the same
 * uses (profile instance with its phase and jitter, time base, window and
 * scale) in the same order, scenario events included. */
int dct_profile_same(const dct_profile_set *ps, size_t a, size_t b);
/* A hash of rack K's uses, equal for racks dct_profile_same calls equal. */
size_t dct_profile_key(const dct_profile_set *ps, size_t k);
/* Name of the profile in use for rack K (for run.json). */
const char *dct_profile_name(const dct_profile_set *ps, size_t k);

#endif
