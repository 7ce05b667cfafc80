/* fsutil.h - small file-system helpers shared by the commands that write
 * run and report directories. */
#ifndef DCT_FSUTIL_H
#define DCT_FSUTIL_H

/* SHA-256 of FILE (OpenSSL EVP) as 64 hex digits and a NUL in HEX.
 * Returns 0 or -1 with errno. */
int dct_sha256_file(const char *file, char hex[65]);

/* mkdir -p DIR; *IS_CREATED tells whether the last component was made
 * here.  Returns 0 or -1 with errno. */
int dct_mkdir_p(const char *dir, int *is_created);

#endif
