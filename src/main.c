/* main.c - entry point; everything else is in cli.c. */
#include "config.h"
#include "cli.h"

#include <stdlib.h>   /* <features.h>: __GLIBC__ */

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int main(int argc, char **argv)
{
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
    /* Blocks of 256 KiB and more come from mmap and go back to the system
     * when freed.  glibc otherwise raises this threshold after the first
     * large free, and the settling run's solver (KLU's first factorisation
     * peaks at several times its final size) would stay in the heap for
     * the whole run: 4 % of the peak memory of a 10,000-rack site. */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
    return dct_cli_main(argc, argv);
}
