#!/bin/sh
# schema.sh - the shipped schema is the one the component table generates,
# and every shipped site and model library is valid against it (checked
# with xmllint, independently of dctwin's own parser).
#
# Environment (set by make check): DCTWIN, top_srcdir.
# Regenerate after changing src/component.h:
#   ./dctwin doc schema > models/dctwin-site.rng
set -eu
LC_ALL=C
export LC_ALL
: "${DCTWIN:?DCTWIN must name the dctwin binary}"
: "${top_srcdir:=.}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/schema.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

pass=0
fails=0
ok() { pass=$((pass + 1)); }
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

"$DCTWIN" doc schema >"$tmp/gen.rng"
if cmp -s "$tmp/gen.rng" "$top_srcdir/models/dctwin-site.rng"; then
    ok
else
    fail "models/dctwin-site.rng is stale: run ./dctwin doc schema > models/dctwin-site.rng"
    diff "$top_srcdir/models/dctwin-site.rng" "$tmp/gen.rng" | head -20 >&2 || :
fi

if command -v xmllint >/dev/null 2>&1; then
    for f in "$top_srcdir"/sites/*.xml "$top_srcdir"/models/*.xml; do
        # timeout guards against a schema that libxml2 validates in
        # exponential time (seen with plain groups of optional attributes).
        if timeout 20 xmllint --nonet --noout \
            --relaxng "$top_srcdir/models/dctwin-site.rng" "$f" \
            >/dev/null 2>"$tmp/err"; then
            ok
        else
            fail "$f does not validate against the schema:"
            cat "$tmp/err" >&2
        fi
    done
    # The schema must reject what it should: an unknown attribute.
    printf '<library name="x"><rack-model name="a" bogus="1"/></library>\n' \
        >"$tmp/bad.xml"
    if xmllint --nonet --noout --relaxng "$top_srcdir/models/dctwin-site.rng" \
        "$tmp/bad.xml" >/dev/null 2>&1; then
        fail "the schema accepts an unknown attribute"
    else
        ok
    fi
else
    echo "schema.sh: xmllint not found; schema validation of sites skipped" >&2
fi

echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
