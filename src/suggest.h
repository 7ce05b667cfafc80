/* suggest.h - "did you mean" for misspelled commands, options, ids and
 * parameters.
 *
 * The distance is the optimal-string-alignment edit distance (Damerau's
 * insertions, deletions, substitutions and transpositions of adjacent
 * characters, each costing 1).  A candidate is suggested when it is the
 * nearest and its distance is small against the word's length: at most 1
 * for words of up to 3 characters, 2 up to 6, 3 beyond.  Nothing is
 * allocated. */
#ifndef DCT_SUGGEST_H
#define DCT_SUGGEST_H

#include <stddef.h>

struct option;

/* Longest word compared; longer words and candidates are never close. */
#define DCT_SUGGEST_MAX 64

/* The edit distance of A and B, or (size_t)-1 when either is longer than
 * DCT_SUGGEST_MAX. */
size_t dct_edit_distance(const char *a, const char *b);

/* The nearest of the candidates offered to one word. */
typedef struct dct_suggest {
    const char *word;       /* borrowed */
    const char *best;       /* borrowed from the candidate offered */
    size_t dist;
} dct_suggest;

void dct_suggest_init(dct_suggest *s, const char *word);
/* Offer CAND (borrowed: it must live as long as S is read). */
void dct_suggest_add(dct_suggest *s, const char *cand);
/* The nearest candidate if it is close enough, else NULL. */
const char *dct_suggest_best(const dct_suggest *s);

/* "; did you mean 'BEST'?" in BUF (N bytes), or "" when BEST is NULL:
 * a suffix for an error message.  Returns BUF. */
const char *dct_suggest_text(char *buf, size_t n, const char *best);

/* After getopt_long returned '?' for ARG (argv[optind - 1]): the long
 * option of OPTS nearest to ARG ("--dration=5" -> "duration"), or NULL. */
const char *dct_suggest_option(const struct option *opts, const char *arg);

/* Print "dctwin: CMD: did you mean '--NAME'?" to stderr when ARG has a
 * near long option in OPTS; prints nothing otherwise. */
void dct_suggest_option_hint(const char *cmd, const struct option *opts,
                             const char *arg);

#endif
