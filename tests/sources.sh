#!/bin/sh
# sources.sh - every citation in dctwin resolves to its bibliography,
# dctwin-sources(7), and every entry there is cited.
#
# The citation-key convention (described at the top of
# man/dctwin-sources.7):
#   - a key is written in square brackets, in capitals, with at least
#     one hyphen, two or more characters before it:
#     [PUBLISHER-TOPIC-YEAR], e.g. [NVIDIA-GB300-2025],
#     [OCP-OAI-LC-2023]; the year is left out for undated sources
#     ([NFPA-110]); in roff, hyphens may be written \- ([NVIDIA\-NVML]);
#   - the place inside the source follows the key in words:
#     "[OCP-OAI-LC-2023] Fig. 7", "[LBNL-MBL-2026] PartialCDU.mo";
#   - a number without a source says "assumption" (or carries [A]);
#   - to add a source: an entry ".TP" / ".B [KEY]" / text in
#     man/dctwin-sources.7, the same entry in SOURCES (regenerate it
#     with the one-liner at the top of the man page), then cite [KEY].
# Confidence tags such as [P], [M/P], [D/A] have no hyphen and are not
# keys.
#
# Checks:
#  1. every key cited in the shipped tree (models/, models/criteria/,
#     models/profiles/, man/, src/, sites/, plots/, README, SOURCES'
#     neighbours) has an entry ".B [KEY]" in man/dctwin-sources.7;
#  2. every entry of dctwin-sources(7) is cited at least once outside
#     the bibliography itself (man/dctwin-sources.7 and SOURCES);
#  3. SOURCES lists exactly the keys of dctwin-sources(7);
#  4. no shipped file cites a document that is not part of dctwin:
#     the research notes thermal.md, electrical.md,
#     bess-qualification.md, anchors.md, DESIGN.md or shared/reference.
#
# Environment (set by make check): DCTWIN (for tests/testlib.sh), top_srcdir.
test_name=sources
. "${top_srcdir:-.}/tests/testlib.sh"
cd "$top_srcdir"

bib=man/dctwin-sources.7
txt=SOURCES
key_re='\[[A-Z][A-Z0-9]+(-[A-Z0-9]+)+\]'

# The shipped files that may cite (not the bibliography itself).
{
    find models sites plots src -type f \( -name '*.xml' -o -name '*.c' \
        -o -name '*.h' -o -name '*.gp' -o -name 'README' \) -print
    find man -type f \( -name '*.[157]' \) ! -name 'dctwin-sources.7' -print
    echo README
    [ -f tests/bench/README ] && echo tests/bench/README
} | sort >"$tmp/files"
if [ ! -s "$tmp/files" ]; then
    fail "no files to check (top_srcdir=$top_srcdir)"
fi

# keys: "\-" in roff is a hyphen
keys_of() { sed 's/\\-/-/g' "$@" | grep -o -E "$key_re" | sort -u; }

# ---- the entries -------------------------------------------------------
if [ ! -f "$bib" ]; then
    fail "$bib: missing"
    finish
fi
sed 's/\\-/-/g' "$bib" | sed -n 's/^\.B \(\[[^]]*\]\)$/\1/p' | sort >"$tmp/entries"
sort -u "$tmp/entries" >"$tmp/entries.u"
if [ ! -s "$tmp/entries" ]; then
    fail "$bib: no entry '.B [KEY]'"
elif ! cmp -s "$tmp/entries" "$tmp/entries.u"; then
    fail "$bib: an entry is defined twice:"
    uniq -d "$tmp/entries" >&2
else
    ok
fi
# every entry is a well-formed key
if grep -v -x -E "$key_re" "$tmp/entries" >"$tmp/bad"; then
    fail "$bib: entries not of the form $key_re:"
    cat "$tmp/bad" >&2
else
    ok
fi

# ---- 1. every cited key resolves ----------------------------------------
: >"$tmp/cited"
while read -r f; do
    keys_of "$f" | while read -r k; do
        printf '%s %s\n' "$k" "$f"
    done >>"$tmp/cited"
done <"$tmp/files"
cut -d' ' -f1 "$tmp/cited" | sort -u >"$tmp/cited.keys"
if [ ! -s "$tmp/cited.keys" ]; then
    fail "no citation key found in the shipped tree"
fi
while read -r k; do
    if grep -q -x -F -e "$k" "$tmp/entries.u"; then
        ok
    else
        fail "$k has no entry in $bib; cited in:" \
            "$(grep -F -e "$k " "$tmp/cited" | cut -d' ' -f2 | tr '\n' ' ')"
    fi
done <"$tmp/cited.keys"

# ---- 2. every entry is cited ---------------------------------------------
while read -r k; do
    if grep -q -x -F -e "$k" "$tmp/cited.keys"; then
        ok
    else
        fail "$bib: entry $k is cited nowhere (cite it or remove it)"
    fi
done <"$tmp/entries.u"

# ---- 3. SOURCES is the same list -----------------------------------------
if [ ! -f "$txt" ]; then
    fail "$txt: missing"
else
    # entries of the text copy: a key alone at the start of a line
    grep -o -E "^ *$key_re *$" "$txt" | tr -d ' ' | sort -u >"$tmp/txt"
    if cmp -s "$tmp/txt" "$tmp/entries.u"; then
        ok
    else
        fail "$txt does not list the entries of $bib; regenerate it" \
            "(see the top of $bib).  Differences (< SOURCES, > man page):"
        diff "$tmp/txt" "$tmp/entries.u" >&2 || :
    fi
fi

# ---- 4. nothing points outside dctwin ------------------------------------
outside='thermal\.md|electrical\.md|bess-qualification\.md|anchors\.md|DESIGN\.md|DESIGN §|shared/reference|reference/(thermal|electrical)'
{ cat "$tmp/files"; echo "$bib"; echo "$txt"; } | sort -u >"$tmp/all"
while read -r f; do
    [ -f "$f" ] || continue
    if grep -n -E "$outside" "$f" >"$tmp/hits"; then
        fail "$f cites a document outside dctwin (use a dctwin-sources(7) key):"
        sed 's/^/    /' "$tmp/hits" >&2
    else
        ok
    fi
done <"$tmp/all"

finish
