/* weather.h - weather files: the ambient dry bulb and wet bulb over time,
 * and the design conditions of a site, read from
 *   - an EnergyPlus weather file (EPW): 8 header records (LOCATION,
 *     DESIGN CONDITIONS, TYPICAL/EXTREME PERIODS, GROUND TEMPERATURES,
 *     HOLIDAYS/DAYLIGHT SAVINGS, COMMENTS 1, COMMENTS 2, DATA PERIODS) and
 *     one data record per interval, fields as in the EnergyPlus Auxiliary
 *     Programs manual, "Weather Converter Program" [EPLUS-AUXPROGS]: 2
 *     month, 3 day, 4 hour (1-24, the hour ending), 5 minute, 7 dry bulb,
 *     8 dew point [degC], 9 relative humidity [%], 10 station pressure
 *     [Pa]; the missing-value sentinels 99.9, 999 and 999999;
 *   - an NSRDB TMY3 CSV [NREL-TMY3-2008]: a station line, a line of column
 *     names, one record per hour ("MM/DD/YYYY,HH:MM", the hour ending);
 *     the columns are found by their names "Dry-bulb (C)",
 *     "Dew-point (C)", "RHum (%)" and "Pressure (mbar)"; -9900 is missing;
 *   - dctwin's own CSV "t_s,T_db_degC[,T_wb_degC]" (dctwin-site(5)).
 * EPW and TMY3 times are calendar times: seconds since January 1, 00:00
 * of the file's year (leap when the EPW header says so or a TMY3 file has
 * February 29), each value at the end of its interval.  A file covering a
 * whole year repeats (the hour ending at 24:00 on December 31 is also
 * January 1, 00:00).  The wet bulb comes from the dry bulb, the dew point
 * (or the relative humidity) and the station pressure by psychro.h.
 * Values are interpolated linearly in time (GSL).
 *
 * A run of at most DCT_WEATHER_GAP_MAX missing records of a column is
 * filled by linear interpolation in time (counted, reported as one
 * warning); a longer run, a column missing in every record, a truncated
 * record, a time out of order or repeated, or a value out of range is an
 * error at FILE:LINE. */
#ifndef DCT_WEATHER_H
#define DCT_WEATHER_H

#include <stddef.h>
#include "diag.h"

/* The longest run of missing records filled in [records]. */
#define DCT_WEATHER_GAP_MAX 6

typedef enum dct_weather_format {
    DCT_WX_CSV, DCT_WX_EPW, DCT_WX_TMY3
} dct_weather_format;

/* The ASHRAE climatic design conditions of an EPW's DESIGN CONDITIONS
 * record (NAN where the file leaves a field empty). */
typedef struct dct_weather_design {
    int has;                  /* the file has the record with values */
    long line;                /* its line */
    char *source;             /* e.g. "Climate Design Data 2009 ASHRAE
                                 Handbook" (owned) */
    double cool_db[3];        /* cooling 0.4, 1, 2 % dry bulb [K] */
    double cool_wb[3];        /* their mean coincident wet bulb [K] */
    double ext_wb;            /* extreme maximum wet bulb [K] */
    double ext_db[4];         /* n-year return period maximum dry bulb,
                                 n = 5, 10, 20, 50 [K] */
} dct_weather_design;

typedef struct dct_weather {
    char *path;               /* owned */
    dct_weather_format format;
    char *station;            /* the station's name, NULL (owned) */
    double elevation;         /* [m] */
    int has_calendar;         /* t is calendar time (EPW, TMY3) */
    int is_leap;              /* the calendar year has February 29 */
    int has_wb;               /* the wet bulb is known */
    int is_year;              /* a whole year: t repeats every period */
    double period;            /* [s] 365 or 366 days */
    double t_lo, t_hi;        /* [s] the times the records cover (the
                                 first record's interval included) */
    size_t n_records;         /* data records read */
    size_t n_filled;          /* missing values filled */
    size_t n;                 /* points (a whole year: n_records + 1) */
    double *t, *db, *wb;      /* [n]: [s], [K], [K]; wb NULL without it */
    dct_weather_design design;
    void *interp[2];          /* gsl_interp of db and wb */
} dct_weather;

/* Read the weather file PATH (the format from its first line).  Errors
 * (and the warning about filled values) go to D as PATH:LINE; a file that
 * cannot be opened is reported at FROM:FROM_LINE (FROM may be NULL).
 * Returns the weather or NULL; caller frees with dct_weather_free. */
dct_weather *dct_weather_load(const char *path, const char *from,
                              long from_line, dct_diag *d);
void dct_weather_free(dct_weather *w);

/* The dry bulb (and wet bulb, when the file has it) at file time T [s]
 * into *T_DB, *T_WB [K]; held at the first and last values outside the
 * records (a whole year: T modulo the period). */
void dct_weather_at(const dct_weather *w, double t, double *t_db,
                    double *t_wb);
/* The first record time strictly after file time T into *TB; 0: none. */
int dct_weather_next(const dct_weather *w, double t, double *tb);
/* Whether the records cover file times T0..T0+DUR (a whole year covers
 * any); 0 when they do, else -1 with the reason in ERR. */
int dct_weather_covers(const dct_weather *w, double t0, double dur,
                       char *err, size_t n);

/* The design condition NAME ("cooling-0.4", "cooling-1", "cooling-2",
 * "extreme-5y", "extreme-10y", "extreme-20y", "extreme-50y") into *T_DB
 * and *T_WB [K]: the cooling dry bulb with its mean coincident wet bulb,
 * or the n-year extreme dry bulb with the extreme maximum wet bulb (an
 * upper bound: the file gives no coincident wet bulb for the extremes).
 * Returns 0, or -1 with the reason in ERR. */
int dct_weather_design_get(const dct_weather *w, const char *name,
                           double *t_db, double *t_wb, char *err, size_t n);
/* The names dct_weather_design_get knows, "|"-separated. */
extern const char dct_weather_design_names[];

/* Parse a start "MM-DD" or "MM-DDThh" (hour 0-23) into calendar time *T
 * [s] (February 29 only when IS_LEAP).  0, or -1 with the reason in ERR. */
int dct_weather_start_parse(const char *text, int is_leap, double *t,
                            char *err, size_t n);
/* Calendar time T [s] as "MM-DD hh:mm" into BUF (the year repeating
 * every 365 or 366 days). */
void dct_weather_calendar(double t, int is_leap, char *buf, size_t n);

/* The options --weather FILE, --start MM-DD[Thh] and --design NAME of
 * simulate, margins, capacity, contingency and sweep (dctwin(1)). */
typedef struct dct_weather_opt {
    const char *file;         /* --weather, NULL */
    const char *start;        /* --start, NULL */
    const char *design;       /* --design, NULL */
    /* resolved */
    char *path;               /* where the file was found (owned) */
    dct_weather *w;           /* the file (owned); NULL: none */
    double t0;                /* [s] its file time at t = 0 */
    int is_series;            /* the ambient follows the file (no
                                 --design) */
    double t_db, t_wb;        /* [K] --design: the condition */
    char set_db[48], set_wb[48];  /* --design as --set assignments */
} dct_weather_opt;

/* Check and load what O names, for a run of DURATION [s] (<= 0: not
 * checked): the file (as given, else in the weather directories,
 * datapath.h), the start (a calendar file's date; the start of its
 * records by default), the design condition, and that the records cover
 * the run.  Returns 0, or the exit status (2 usage: --start or --design
 * without --weather; 3 input) with the error in D. */
int dct_weather_opt_resolve(dct_weather_opt *o, double duration,
                            dct_diag *d);
/* Free what dct_weather_opt_resolve loaded; the options stay. */
void dct_weather_opt_free(dct_weather_opt *o);
/* "--design NAME of FILE: dry bulb X degC, mean coincident wet bulb Y
 * degC (SOURCE, line N)" into BUF, for the commands to say what they
 * answered at. */
void dct_weather_opt_describe(const dct_weather_opt *o, char *buf,
                              size_t n);

#endif
