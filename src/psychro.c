/* psychro.c - psychrometrics of moist air (psychro.h), ASHRAE
 * Handbook--Fundamentals (2017) chapter 1 [ASHRAE-HOF-2017]. */
#include "config.h"
#include "psychro.h"

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#define T0 273.15   /* [K] 0 degC */

double dct_psychro_pws(double T)
{
    double l;
    if (T < T0) /* eq. 5, over ice, -100..0 degC */
        l = -5.6745359e3 / T + 6.3925247 - 9.6778430e-3 * T +
            6.2215701e-7 * T * T + 2.0747825e-9 * T * T * T -
            9.4840240e-13 * T * T * T * T + 4.1635019 * log(T);
    else        /* eq. 6, over liquid water, 0..200 degC */
        l = -5.8002206e3 / T + 1.3914993 - 4.8640239e-2 * T +
            4.1764768e-5 * T * T - 1.4452093e-8 * T * T * T +
            6.5459673 * log(T);
    return exp(l);
}

double dct_psychro_p_std(double z)
{
    return 101325.0 * pow(1.0 - 2.25577e-5 * z, 5.2559);
}

double dct_psychro_w_from_pw(double pw, double p)
{
    return 0.621945 * pw / (p - pw);
}

double dct_psychro_w_from_dew(double T_dew, double p)
{
    return dct_psychro_w_from_pw(dct_psychro_pws(T_dew), p);
}

/* The root in [LO, HI] of F (Brent); the bracket end nearer to a sign
 * change when GSL cannot bracket it. */
static double brent(double (*f)(double, void *), void *ctx, double lo,
                    double hi)
{
    double flo = f(lo, ctx), fhi = f(hi, ctx);
    if (flo == 0)
        return lo;
    if (fhi == 0)
        return hi;
    if ((flo > 0) == (fhi > 0))
        return fabs(flo) < fabs(fhi) ? lo : hi;
    gsl_function F = {f, ctx};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s)
        return 0.5 * (lo + hi);
    gsl_root_fsolver_set(s, &F, lo, hi);
    double r = 0.5 * (lo + hi);
    for (int i = 0; i < 100; i++) {
        if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
            break;
        r = gsl_root_fsolver_root(s);
        double a = gsl_root_fsolver_x_lower(s), b = gsl_root_fsolver_x_upper(s);
        if (gsl_root_test_interval(a, b, 1e-9, 0) == GSL_SUCCESS)
            break;
    }
    gsl_root_fsolver_free(s);
    return r;
}

static double pws_resid(double T, void *ctx)
{
    return dct_psychro_pws(T) - *(const double *)ctx;
}

double dct_psychro_dew_from_rh(double T, double rh)
{
    if (rh >= 1)
        return T;
    if (rh < 1e-6)
        rh = 1e-6;
    double pw = rh * dct_psychro_pws(T);
    return brent(pws_resid, &pw, 173.15, T);
}

double dct_psychro_w_from_wb(double T, double T_wb, double p)
{
    double t = T - T0, ts = T_wb - T0;
    double ws = dct_psychro_w_from_pw(dct_psychro_pws(T_wb), p);
    if (ts >= 0) /* eq. 33 */
        return ((2501.0 - 2.326 * ts) * ws - 1.006 * (t - ts)) /
               (2501.0 + 1.86 * t - 4.186 * ts);
    /* eq. 35 */
    return ((2830.0 - 0.24 * ts) * ws - 1.006 * (t - ts)) /
           (2830.0 + 1.86 * t - 2.1 * ts);
}

struct wb_ctx {
    double T, W, p;
};

static double wb_resid(double T_wb, void *ctx)
{
    const struct wb_ctx *c = ctx;
    return dct_psychro_w_from_wb(c->T, T_wb, c->p) - c->W;
}

double dct_psychro_wb(double T, double W, double p)
{
    struct wb_ctx c = {T, W, p};
    /* W(T_wb) rises from below W at a wet bulb far below the dew point to
     * the saturation humidity ratio at T_wb = T */
    return brent(wb_resid, &c, 173.15, T);
}

double dct_psychro_enthalpy(double T, double W)
{
    double t = T - T0;
    return 1e3 * (1.006 * t + W * (2501.0 + 1.86 * t));
}

double dct_psychro_h_fg(double T)
{
    double t = T - T0;
    return 1e3 * (2501.0 + 1.86 * t - 4.186 * t);
}
