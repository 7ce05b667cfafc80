/* psychro.h - psychrometrics of moist air: the saturation pressure of
 * water vapour, humidity ratio, dew point, wet bulb and enthalpy, with the
 * equations of ASHRAE Handbook--Fundamentals (2017), chapter 1
 * [ASHRAE-HOF-2017] (dctwin-models(7), PSYCHROMETRICS).
 *
 * SI throughout: temperatures [K], pressures [Pa], humidity ratio
 * [kg water / kg dry air], enthalpy [J / kg dry air], relative humidity
 * as a fraction 0..1.  Pure functions; no allocation. */
#ifndef DCT_PSYCHRO_H
#define DCT_PSYCHRO_H

/* Saturation pressure of water vapour over ice (T < 273.15 K, eq. 5) or
 * liquid water (eq. 6) [Pa], Hyland and Wexler; valid 173.15..473.15 K. */
double dct_psychro_pws(double T);
/* Standard-atmosphere pressure at altitude Z [m] (eq. 3) [Pa]. */
double dct_psychro_p_std(double z);
/* Humidity ratio from the partial pressure of water vapour PW at total
 * pressure P (eq. 20). */
double dct_psychro_w_from_pw(double pw, double p);
/* Humidity ratio from the dew point T_DEW (pw = pws(T_dew), eq. 38). */
double dct_psychro_w_from_dew(double T_dew, double p);
/* Dew point [K] of air at T with relative humidity RH (pw = RH pws(T),
 * eq. 22, pws inverted with GSL's Brent solver).  RH is clamped to
 * 1e-6..1. */
double dct_psychro_dew_from_rh(double T, double rh);
/* Humidity ratio from the dry bulb T and thermodynamic wet bulb T_WB
 * (eq. 33 above freezing, eq. 35 below). */
double dct_psychro_w_from_wb(double T, double T_wb, double p);
/* Thermodynamic wet bulb [K] of air at T with humidity ratio W at P: the
 * root of eq. 33/35 between the dew point and T (GSL Brent). */
double dct_psychro_wb(double T, double W, double p);
/* Enthalpy of moist air [J/kg dry air] (eq. 32). */
double dct_psychro_enthalpy(double T, double W);
/* Latent heat of vaporization of water at T [J/kg]: the enthalpy of
 * saturated vapour less that of liquid water at T, from the same
 * linearisations as eq. 32 (2501 + 1.86 t - 4.186 t kJ/kg, t in degC). */
double dct_psychro_h_fg(double T);

#endif
