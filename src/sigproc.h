/* sigproc.h - signal analysis for the BESS report: oscillation amplitude per
 * frequency band (windowed FFT), rainflow cycle counting (ASTM E1049),
 * LFP battery ageing from an SOC series, ramps and step-response times.
 * (Not named signal.h: with -I src that name would hide the system
 * <signal.h> from every file of the program.)
 *
 * Every function here is pure: no I/O, no global state, inputs are
 * borrowed and never modified.  Fallible functions return 0 (or a pointer)
 * on success and -1 (or NULL) on bad input, with the reason recorded in D
 * (dct_error with no file); D may not be NULL.  Results that the function
 * allocates are owned by the caller and freed as each comment says.
 * Sizes are capped at DCT_SIG_N_MAX samples.
 *
 * GSL is used for the FFT (gsl_fft_real mixed radix: any length, fastest
 * when n has only the factors 2, 3, 5) and for linear interpolation and
 * least-squares detrending.  The library never calls GSL with arguments
 * GSL would reject, so GSL's error handler is not reached; the program
 * still turns it off (cli.c) as the house style asks.
 *
 * The equations, with sources, are in dctwin-models(7), section
 * "BESS REPORT ANALYSIS".
 */
#ifndef DCT_SIGPROC_H
#define DCT_SIGPROC_H

#include <stddef.h>
#include "diag.h"

/* Largest number of samples any function here accepts (2^25: 268 MB of
 * doubles); a 24 h record at 5 ms is 1.7e7 samples. */
#define DCT_SIG_N_MAX ((size_t)1 << 25)
/* Fewest samples for a spectrum. */
#define DCT_SIG_N_MIN 16

/* ======================================================================
 * 1. Spectrum and band amplitude
 * ====================================================================== */

/* Window applied before the FFT.  All are the periodic ("DFT-even",
 * Harris 1978) forms w_j, j = 0..n-1, of period n.
 *   HANN     0.5 - 0.5 cos(2 pi j/n): the default; low leakage, peak bin
 *            amplitude off by up to -15 % (1.42 dB) between bins.
 *   FLATTOP  five-term flat top (D'Antona and Ferrero 2006, as in SciPy
 *            and MATLAB flattopwin): peak bin amplitude within 0.2 %
 *            anywhere between bins, wide main lobe (+-5 bins).
 *   RECT     no window (w = 1): exact only for whole numbers of periods. */
typedef enum dct_sig_window {
    DCT_SIG_HANN,
    DCT_SIG_FLATTOP,
    DCT_SIG_RECT
} dct_sig_window;

/* What is removed before windowing: the mean, or the least-squares line
 * (gsl_fit_linear), so that DC and a slow drift do not leak into the
 * lowest bands. */
typedef enum dct_sig_detrend {
    DCT_SIG_DETREND_MEAN,
    DCT_SIG_DETREND_LINEAR
} dct_sig_detrend;

/* Single-sided spectrum of a uniformly sampled real signal.
 * Bin k (k = 0..n_bins-1) is at frequency f_k = k df.
 *   amp[k]    amplitude [unit of x], corrected for the window's coherent
 *             gain S1 = sum w_j: a sinusoid A cos(2 pi f_k t + phi) exactly
 *             on bin k gives amp[k] = A.  amp = 2|X_k|/S1 (|X_k|/S1 at DC
 *             and at Nyquist).
 *   power[k]  mean square in the bin [unit of x ^2], corrected for the
 *             window's power gain S2 = sum w_j^2 (Parseval):
 *             power = 2|X_k|^2/(n S2) (|X_k|^2/(n S2) at DC and Nyquist).
 *             A sinusoid of amplitude A anywhere between bins puts
 *             A^2/2 into the bins of its main lobe, whatever the window.
 * X_k = sum_j w_j x~_j exp(-2 pi i j k / n), x~ the detrended signal. */
typedef struct dct_sig_spectrum {
    size_t n;               /* samples analysed */
    size_t n_bins;          /* n/2 + 1 */
    double dt;              /* [s] sample step */
    double df;              /* [Hz] bin spacing 1/(n dt) */
    dct_sig_window window;
    double *amp;            /* [n_bins], owned */
    double *power;          /* [n_bins], owned */
} dct_sig_spectrum;

/* Spectrum of X[0..N-1] sampled every DT seconds, after removing the mean
 * or trend (DETREND) and applying WINDOW.  N >= DCT_SIG_N_MIN, DT > 0,
 * every x finite.  Returns NULL with an error in D on bad input or when
 * memory runs out.  Caller frees with dct_sig_spectrum_free. */
dct_sig_spectrum *dct_sig_spectrum_new(const double *x, size_t n, double dt,
                                       dct_sig_window window,
                                       dct_sig_detrend detrend, dct_diag *d);
/* Free S; NULL is a no-op. */
void dct_sig_spectrum_free(dct_sig_spectrum *s);

/* What a band [f_lo, f_hi] holds.  A bin belongs to the band when
 * f_lo <= f_k <= f_hi.
 *   amplitude  sqrt(2 sum power[k]) over the band [unit of x]: the
 *              "RMS-equivalent amplitude", i.e. sqrt(2) times the RMS of
 *              the band-limited signal.  Scalloping-free: a sinusoid of
 *              amplitude A anywhere inside the band (its main lobe, +-2
 *              bins for Hann, inside the band) gives A within 0.5 %; two
 *              sinusoids in one band give sqrt(A1^2 + A2^2); broadband
 *              noise adds its band power.  THIS is the value to compare
 *              with an oscillation threshold.
 *   peak       the largest amp[k] in the band [unit of x]: the
 *              single-sided peak amplitude of the strongest component.
 *              With Hann it reads up to 15 % low between bins; with
 *              FLATTOP it is within 0.2 % (0.01 dB).
 *   f_peak     [Hz] frequency of that component: for Hann, refined
 *              between bins from the two largest bins (Grandke 1983,
 *              delta = (2a - 1)/(1 + a), a = |X_k+-1| / |X_k|); for the
 *              other windows the bin frequency.
 *   rms        sqrt(sum power[k]) [unit of x]. */
typedef struct dct_sig_band {
    double f_lo, f_hi;      /* [Hz] as asked */
    size_t k_lo, k_hi;      /* first and last bin in the band */
    double amplitude;
    double peak;
    double f_peak;
    double rms;
} dct_sig_band;

/* Evaluate the band [F_LO, F_HI] of S into *OUT.  Errors (-1, D): F_LO < 0,
 * F_HI < F_LO, F_HI above the Nyquist frequency 1/(2 dt), or no bin inside
 * the band (the record is too short for it: df = 1/(n dt)). */
int dct_sig_band_eval(const dct_sig_spectrum *s, double f_lo, double f_hi,
                      dct_sig_band *out, dct_diag *d);

/* One call: Hann window, mean removed, band [F_LO, F_HI] of X[0..N-1]
 * sampled every DT.  Returns 0 and fills *OUT, or -1 with D. */
int dct_sig_band_amplitude(const double *x, size_t n, double dt, double f_lo,
                           double f_hi, dct_sig_band *out, dct_diag *d);

/* Dominant frequency in [F_LO, F_HI]: out->f_peak of dct_sig_band_eval,
 * stored in *F [Hz].  Returns 0, or -1 with D. */
int dct_sig_dominant_frequency(const dct_sig_spectrum *s, double f_lo,
                               double f_hi, double *f, dct_diag *d);

/* Largest n' <= N whose only prime factors are 2, 3 and 5 (0 for N = 0):
 * truncating a record to n' keeps the mixed-radix FFT O(n log n). */
size_t dct_sig_fft_good_length(size_t n);

/* Resample a series (T[i], X[i]), i = 0..N-1, with T non-decreasing, onto
 * the uniform grid t_k = T[0] + k DT, k = 0..n_out-1, n_out =
 * floor((T[N-1] - T[0])/DT) + 1, by linear interpolation (gsl_interp_linear).
 * Where T repeats (a jump recorded twice at one instant) the series
 * is a jump: each side is interpolated on its own and a grid point at the
 * jump takes the later value (right-continuous).  N >= 2, DT > 0, all
 * finite, T[N-1] > T[0].  Returns the n_out samples (caller frees with
 * free()) and sets *N_OUT, or NULL with D. */
double *dct_sig_resample_linear(const double *t, const double *x, size_t n,
                                double dt, size_t *n_out, dct_diag *d);

/* ======================================================================
 * 2. Rainflow cycle counting (ASTM E1049-85 (2017), section 5.4.4)
 * ====================================================================== */

/* One counted cycle: between the turning points x[i_from] and x[i_to] of
 * the input series.  range = |x[i_from] - x[i_to]|, mean = their average,
 * count 1.0 (a full cycle: the range and its return) or 0.5 (a half cycle:
 * a range that includes the starting point, or one of the residue). */
typedef struct dct_rainflow_cycle {
    double range;
    double mean;
    double count;
    size_t i_from, i_to;
} dct_rainflow_cycle;

typedef struct dct_rainflow {
    size_t n_cycles;
    dct_rainflow_cycle *cycle;  /* [n_cycles], owned, in counting order */
    double total_count;         /* sum count */
    double total_range;         /* sum count * range: half the path
                                   length sum |x_i+1 - x_i| */
} dct_rainflow;

/* Range histogram entry: all cycles whose range lies within tol of the
 * smallest range of the entry; range is their count-weighted mean. */
typedef struct dct_rainflow_bin {
    double range;
    double count;
} dct_rainflow_bin;

/* Turning points of X[0..N-1]: the index of the first sample, of every
 * sample where the series changes direction and of the final extreme
 * (of a plateau, its first sample), written to IDX (room for N) in order.
 * Returns their number (0 for N = 0; 1 for a constant series). */
size_t dct_rainflow_turning_points(const double *x, size_t n, size_t *idx);

/* Count the cycles of X[0..N-1] (reduced first to its turning points).
 * N >= 1, every x finite.  A series with fewer than two turning points
 * has no cycles (n_cycles 0).  Returns NULL with D on bad input or when
 * memory runs out.  Caller frees with dct_rainflow_free. */
dct_rainflow *dct_rainflow_count(const double *x, size_t n, dct_diag *d);
/* Free R; NULL is a no-op. */
void dct_rainflow_free(dct_rainflow *r);

/* The counted cycles of R merged by range: sorted by increasing range,
 * ranges within TOL >= 0 of an entry's smallest range merged into it.
 * Returns the entries (caller frees with free()) and their number in
 * *N_BINS; NULL with D when TOL < 0 or memory runs out, NULL with
 * *N_BINS = 0 and no error when R has no cycles. */
dct_rainflow_bin *dct_rainflow_aggregate(const dct_rainflow *r, double tol,
                                         size_t *n_bins, dct_diag *d);

/* ======================================================================
 * 3. LFP battery ageing (NREL BLAST-Lite, Lfp_Gr_250AhPrismatic)
 * ====================================================================== */

/* Capacity fade model of a large-format LFP/graphite cell:
 *   q_cal = k_cal t_days^p_cal,  k_cal = p1 exp(p2/T) exp(p3 U_a(SOC)/T)
 *   q_cyc = k_cyc EFC^p_cyc,     k_cyc = (p4 + p5 DOD + p6 C)
 *                                        (exp(p7/T) + exp(-p8/T))
 *   q = 1 - q_cal - q_cyc       (relative remaining capacity)
 * T cell temperature [K], U_a graphite potential vs Li [V] (Safari and
 * Delacourt 2011) from the SOC, DOD depth of discharge, C the mean C-rate
 * [1/h], EFC equivalent full cycles.  Coefficients of
 * dct_ageing_params_lfp (NREL BLAST-Lite, P. Gasper,
 * blast/models/lfp_gr_250AhPrismatic_2019.py; test data
 * J. Energy Storage 2023, doi:10.1016/j.est.2023.109042):
 *   p1 8.37e4, p2 -5.21e3 K, p3 -3.56e3 K/V, p_cal 0.526,
 *   p4 4.38e-8, p5 1.55e-8, p6 1.68e-7 h, p7 2.19e3 K, p8 1.55e5 K,
 *   p_cyc 0.828.
 * Fitted range: cycling at 10-45 degC, DOD 0.8-1, charge <= 0.65 C,
 * discharge <= 1 C.  Shallow fast micro-cycles are outside it. */
typedef struct dct_ageing_params {
    double p1;          /* [1/day^p_cal] */
    double p2;          /* [K] */
    double p3;          /* [K/V] */
    double p_cal;       /* calendar exponent */
    double p4, p5;      /* [1/EFC^p_cyc] */
    double p6;          /* [h/EFC^p_cyc] */
    double p7, p8;      /* [K] */
    double p_cyc;       /* cycle exponent */
    double crate_floor; /* [1/h] rates below count as rest (0.01) */
    double t_fit_lo, t_fit_hi;  /* [K] cycling temperature of the fit */
    double dod_fit_lo;          /* smallest DOD of the fit */
    double crate_fit_hi;        /* [1/h] largest C-rate of the fit */
} dct_ageing_params;

/* Fill *P with the BLAST-Lite LFP 250 Ah coefficients above. */
void dct_ageing_params_lfp(dct_ageing_params *p);

/* Graphite (anode) potential vs Li/Li+ [V] at state of charge SOC (0..1):
 * Safari and Delacourt, J. Electrochem. Soc. 158(5) A562 (2011), with the
 * lithiation x_a = 0.0085 + SOC (0.78 - 0.0085) as in BLAST-Lite. */
double dct_ageing_ua(double soc);

/* Closed forms: k t^p_cal and k efc^p_cyc (0 at t = 0, efc = 0). */
double dct_ageing_calendar_fade(const dct_ageing_params *p, double k_cal,
                                double t_days);
double dct_ageing_cycle_fade(const dct_ageing_params *p, double k_cyc,
                             double efc);

/* Equivalent full cycles by charge throughput: sum |SOC_i+1 - SOC_i| / 2
 * (one EFC = one full discharge and one full charge of the capacity).
 * Equal to the rainflow sum of count * range of the same series. */
double dct_ageing_efc(const double *soc, size_t n);

/* Ageing of a battery that repeats a representative SOC profile for
 * YEARS years.
 *   efc_profile   EFC of the profile by throughput (dct_ageing_efc)
 *   efc_rainflow  sum count * range of its rainflow cycles (the same
 *                 number; kept as a cross-check for the report)
 *   n_cycles      rainflow count (sum of counts) of the profile
 *   efc_per_day   efc_profile 86400 s / duration
 *   dod           max SOC - min SOC of the profile (the model's DOD,
 *                 as BLAST-Lite takes it over a chunk of at most a day)
 *   dod_cycle     EFC-weighted mean rainflow range: the typical depth of
 *                 the cycles actually done
 *   crate         [1/h] time mean of |dSOC/dt|, intervals below
 *                 crate_floor counted as rest
 *   t_mean        [K] time mean of T
 *   k_cal, k_cyc  time means (trapezoidal) of the two rate laws
 *   t_days        365 years;  efc_total = efc_per_day t_days
 *   q_cal, q_cyc  the two fades; capacity = 1 - q_cal - q_cyc (may go
 *                 below 0 far outside the fit; not clamped)
 *   is_extrapolated  1 when the profile lies outside the fitted range
 *                 (cycling with dod or dod_cycle < dod_fit_lo, crate >
 *                 crate_fit_hi, or t_mean outside the cycling
 *                 temperatures), else 0. */
typedef struct dct_ageing_result {
    double duration_s;
    double efc_profile, efc_rainflow, n_cycles, efc_per_day;
    double dod, dod_cycle, crate, t_mean;
    double k_cal, k_cyc;
    double years, t_days, efc_total;
    double q_cal, q_cyc, capacity;
    int is_extrapolated;
} dct_ageing_result;

/* Evaluate the ageing of the profile SOC[i] (fraction 0..1) at times T_S[i]
 * [s] (increasing), i = 0..N-1, N >= 2, with cell temperature TEMP_K[i]
 * [K], or the constant TEMP_CONST_K when TEMP_K is NULL, repeated for
 * YEARS >= 0 years, with coefficients P.  Returns 0 and fills *OUT, or -1
 * with D (bad sizes, SOC outside [0, 1], non-increasing time,
 * temperature <= 0 K, non-finite values, memory). */
int dct_ageing_eval(const double *t_s, const double *soc,
                    const double *temp_k, double temp_const_k, size_t n,
                    double years, const dct_ageing_params *p,
                    dct_ageing_result *out, dct_diag *d);

/* ======================================================================
 * 4. Ramps, windows and step response
 * ====================================================================== */

/* Trailing moving average of length M >= 1 samples: y_i = mean of
 * x_max(0,i-M+1)..x_i (shorter at the start).  X and Y may be the same
 * array.  Returns 0, or -1 with D (N = 0, M = 0, M > N, non-finite). */
int dct_sig_moving_average(const double *x, size_t n, size_t m, double *y,
                           dct_diag *d);

/* Largest change over a window: y is the trailing moving average of X
 * over M samples; the result is max over i >= M-1+W of |y_i - y_i-W|,
 * i.e. the largest change of the averaged signal over W samples (W >= 1),
 * counted once the average is full.  *MAX_DELTA gets it [unit of x],
 * *AT (may be NULL) the index i where it occurs.  With samples DT apart
 * the ramp rate is max_delta / (W dt).  Returns 0, or -1 with D
 * (N < M + W, M or W = 0, non-finite). */
int dct_sig_max_ramp(const double *x, size_t n, size_t m, size_t w,
                     double *max_delta, size_t *at, dct_diag *d);

/* Largest max - min of X over any W consecutive samples (W >= 1, W <= N),
 * in O(n) (monotone queues).  *AT (may be NULL) gets the first index of
 * that window.  Returns 0, or -1 with D. */
int dct_sig_max_window_range(const double *x, size_t n, size_t w,
                             double *range, size_t *at, dct_diag *d);

/* First time after T0 at which the step response, the series (T[i], X[i])
 * (T increasing), has covered FRAC of the way from X0 to X1:
 * (x - x0)/(x1 - x0) >= FRAC, linearly interpolated between samples.
 * Returns 0 with *T_REACH [s, absolute], 1 when it never does
 * (*T_REACH = INFINITY), -1 with D on bad input (X1 == X0, N = 0,
 * non-finite, time not increasing). */
int dct_sig_time_to_fraction(const double *t, const double *x, size_t n,
                             double t0, double x0, double x1, double frac,
                             double *t_reach, dct_diag *d);

/* Settling time: the earliest time t_s >= T0 after which X stays within
 * TARGET +- BAND (BAND >= 0) up to the end of the record, the crossing
 * into the band linearly interpolated.  Returns 0 with *T_SETTLE
 * [s, absolute; T0 itself if X is in band from T0 on], 1 when X is out of
 * band at the last sample (*T_SETTLE = INFINITY), -1 with D on bad input
 * (no sample at or after T0, non-finite, time not increasing). */
int dct_sig_settling_time(const double *t, const double *x, size_t n,
                          double t0, double target, double band,
                          double *t_settle, dct_diag *d);

/* Root mean square of A[i] - B[i], i = 0..N-1 (N >= 1), equal weights:
 * the tracking error of a command A and its response B on one uniform
 * grid.  Returns 0 with *RMS, or -1 with D. */
int dct_sig_rms_difference(const double *a, const double *b, size_t n,
                           double *rms, dct_diag *d);

/* Longest continuous time the series (T[i], X[i]) (T increasing) spends
 * strictly above LIMIT, the crossings linearly interpolated between
 * samples: for an overload-duration check.  *DURATION [s] is 0 when X
 * never exceeds LIMIT; *T_START (may be NULL) gets the start of that
 * stretch (NAN when there is none).  Returns 0, or -1 with D. */
int dct_sig_longest_above(const double *t, const double *x, size_t n,
                          double limit, double *duration, double *t_start,
                          dct_diag *d);

#endif
