#!/bin/sh
# cli_bess_print.sh - the BESS report as a printed document: report.html
# is well-formed XHTML; headless Chromium prints it to PDF, and the PDF's
# text (pdftotext) holds the summary table's rows and the unit under test,
# with no heading as the last line of a page; `--pdf` writes report.pdf
# with weasyprint, and a missing converter is a warning.  Skips (77)
# without chromium or pdftotext.
#
# Environment (set by make check): DCTWIN, top_srcdir, DCTWIN_MODELS_PATH.
test_name=cli_bess_print
. "${top_srcdir:-.}/tests/testlib.sh"

for t in chromium pdftotext xmllint; do
    if ! command -v "$t" >/dev/null 2>&1; then
        echo "SKIP: $t not found (Debian: chromium, poppler-utils, libxml2-utils)"
        exit 77
    fi
done
site="$top_srcdir/tests/data/bess-small.xml"
# a few checks on short runs, one of them failing, and an override: the
# document a reviewer prints
cat >"$tmp/c.xml" <<'EOC'
<criteria name="print">
  <check id="t6-dr-fast" nvidia-test="6" name="Demand response, fast"
         metric="time to 90 % of the cut" unit="s" sense="max" threshold="2"
         basis="dctwin" source="a test [NVIDIA-BESSQ-2026]"/>
  <check id="t7-dip" nvidia-test="7" name="Grid dip bus voltage"
         metric="lowest bus voltage" unit="V" sense="min" threshold="site"
         threshold-default="760" basis="dctwin" source="the bus band"/>
  <check id="t8-bus-min" nvidia-test="8" name="Source transfer bus voltage"
         metric="lowest bus voltage" unit="V" sense="min" threshold="site"
         threshold-default="760" basis="dctwin" source="the bus band"/>
  <check id="t8-ride-through" nvidia-test="8" name="Source transfer ride-through"
         metric="time in band" unit="s" sense="min" threshold="50"
         basis="dctwin" source="the outage"/>
  <check id="t1-telemetry" nvidia-test="1" status="not-simulated"
         name="Telemetry interface" metric="vendor evidence"
         criterion="the vendor's telemetry" basis="nvidia-v1.0"
         source="[NVIDIA-BESSQ-2026]"/>
</criteria>
EOC
run bess-report "$site" --bess bess-1 --criteria "$tmp/c.xml" \
    --set lfp-2mw-4mwh.capacity=14Ah --out "$tmp/r" -q
h="$tmp/r/report.html"
check "the report is written (exit $rc)" [ "$rc" -eq 1 ] && [ -s "$h" ]
check "report.html is well-formed XHTML" xmllint --noout "$h"
check "report.html declares the XHTML namespace" \
    grep -q '<html lang="en" xmlns="http://www.w3.org/1999/xhtml">' "$h"
check "print CSS: headings kept with what follows" \
    grep -q 'h1,h2,h3{break-after:avoid' "$h"
check "print CSS: page numbers and the document id in the footer" \
    grep -q '@bottom-right{content:"page " counter(page)' "$h"

# print it as a reviewer would
pdf="$tmp/report.pdf"
set +e
timeout 180 chromium --headless --no-sandbox --disable-gpu \
    --no-pdf-header-footer --print-to-pdf-no-header \
    --user-data-dir="$tmp/chromium" --print-to-pdf="$pdf" "file://$h" \
    >"$tmp/chromium.log" 2>&1
crc=$?
set -e
if [ ! -s "$pdf" ]; then
    echo "SKIP: chromium could not print (exit $crc): $(tail -n 3 "$tmp/chromium.log")"
    exit 77
fi
pdftotext "$pdf" "$tmp/p.txt"
tr -d ' \n\f' <"$tmp/p.txt" >"$tmp/flat"
for name in "Demand response, fast" "Grid dip bus voltage" \
    "Source transfer bus voltage" "Source transfer ride-through" \
    "Telemetry interface"; do
    n=$(printf '%s' "$name" | tr -d ' ')
    check "the PDF has the summary row '$name'" \
        grep -q -F -e "$n" "$tmp/flat"
done
check "the PDF has the unit under test" grep -q 'Unit under test' "$tmp/p.txt"
check "the PDF has the converter rating" \
    grep -q -F converterpowerrating "$tmp/flat"
check "the PDF has the override banner" \
    grep -q -F Modifiedfromthesitefile "$tmp/flat"
# no heading as the last line of a page: the headings of report.html
# against each page's last line (the footer's page number and document
# id apart)
sed -n 's/.*<h[123][^>]*>\(.*\)<\/h[123]>.*/\1/p' "$h" |
    sed -e 's/<[^>]*>//g' -e 's/&#39;/'"'"'/g' -e 's/&amp;/\&/g' \
        -e 's/^ *//' -e 's/ *$//' | sort -u >"$tmp/headings"
id=$(json "$tmp/r/report.json" document_id | tr -d '"')
awk -v id="$id" 'BEGIN { RS = "\f" }
    { n = split($0, l, "\n"); last = "";
      for (i = n; i >= 1; i--) {
          s = l[i]; gsub(/^ +| +$/, "", s)
          if (s == "" || s ~ /^page [0-9]+ of [0-9]+$/ || s == id) continue
          last = s; break }
      if (last != "") print last }' "$tmp/p.txt" >"$tmp/lasts"
n_pages=$(wc -l <"$tmp/lasts")
check "the PDF has pages ($n_pages)" [ "$n_pages" -ge 2 ]
while IFS= read -r last; do
    check "page ends with a heading: '$last'" \
        sh -c "! grep -q -x -F -- '$last' '$tmp/headings'"
done <"$tmp/lasts"

# --pdf: weasyprint when installed; a missing converter is a warning
if command -v weasyprint >/dev/null 2>&1; then
    run bess-report "$site" --bess bess-1 --criteria "$tmp/c.xml" \
        --pdf --out "$tmp/w" -q
    check "--pdf: exit 0 (got $rc)" [ "$rc" -eq 0 ]
    check "--pdf: report.pdf is a PDF" \
        sh -c "head -c 5 '$tmp/w/report.pdf' | grep -q '%PDF-'"
    check "--pdf: report.pdf is in the manifest" \
        grep -q '  report.pdf$' "$tmp/w/manifest.sha256"
fi
DCTWIN_WEASYPRINT=/nonexistent/weasyprint run bess-report "$site" \
    --bess bess-1 --criteria "$tmp/c.xml" --pdf --out "$tmp/x" -q
check "missing converter: the exit status is the checks' (got $rc)" [ "$rc" -eq 0 ]
check "missing converter: a warning" \
    grep -q 'warning: /nonexistent/weasyprint not found' "$tmp/err"
check "missing converter: report.html kept, no report.pdf" \
    test -s "$tmp/x/report.html" -a ! -e "$tmp/x/report.pdf"
finish
