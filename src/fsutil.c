/* fsutil.c - digests and directories for run and report outputs. */
#include "config.h"
#include "fsutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

/* SHA-256 of FILE as 64 hex digits in HEX.  Returns 0 or -1 with errno. */
int dct_sha256_file(const char *file, char hex[65])
{
    unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    int rc = -1, e = 0;
    EVP_MD_CTX *ctx = NULL;
    FILE *f = fopen(file, "rb");
    if (!f)
        return -1;
    ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        e = ENOMEM;
        goto fail;
    }
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (EVP_DigestUpdate(ctx, buf, n) != 1) {
            e = EIO;
            goto fail;
        }
    if (ferror(f)) {
        e = EIO;
        goto fail;
    }
    if (EVP_DigestFinal_ex(ctx, md, &md_len) != 1 || md_len != 32) {
        e = EIO;
        goto fail;
    }
    for (unsigned i = 0; i < md_len; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    rc = 0;
fail:
    EVP_MD_CTX_free(ctx);
    fclose(f);
    if (rc)
        errno = e;
    return rc;
}

/* mkdir -p DIR; *IS_CREATED tells whether the last component was made
 * here.  Returns 0 or -1 with errno. */
int dct_mkdir_p(const char *dir, int *is_created)
{
    *is_created = 0;
    if (!*dir) {
        errno = ENOENT;
        return -1;
    }
    char *p = strdup(dir);
    if (!p)
        return -1;
    size_t len = strlen(p);
    while (len > 1 && p[len - 1] == '/')
        p[--len] = '\0';
    int rc = 0;
    for (char *s = p + 1;; s++) {
        int is_last = *s == '\0';
        if (!is_last && *s != '/')
            continue;
        char keep = *s;
        *s = '\0';
        struct stat st;
        if (mkdir(p, 0777) == 0) {
            *is_created = is_last;
        } else if (errno != EEXIST || stat(p, &st) != 0 ||
                   !S_ISDIR(st.st_mode)) {
            if (errno == EEXIST)
                errno = ENOTDIR;
            rc = -1;
        }
        *s = keep;
        if (rc || is_last)
            break;
    }
    free(p);
    return rc;
}

