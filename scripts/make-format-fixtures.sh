#!/usr/bin/env bash
# Makes test/fixtures/formats/: the sample workbook in every format clerks' files come in, converted
# by LibreOffice (Debian's libreoffice-calc-nogui) — the twins the reader tests compare with the .xlsx.
# Run again only when the sample changes; the outputs are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=test/fixtures/formats
TMP=$(mktemp -d)
mkdir -p "$OUT"
lo() { soffice --headless --norestore -env:UserInstallation=file://$TMP/profile "$@" >/dev/null 2>&1; }
cp test/fixtures/sample-2024.xlsx "$TMP/sample-2024.xlsx"
lo --convert-to xls --outdir "$TMP/xls" "$TMP/sample-2024.xlsx"
lo --convert-to ods --outdir "$TMP/ods" "$TMP/sample-2024.xlsx"
# The contracts sheet (the 3rd) alone as CSV, UTF-8: separator 44 (,), quote 34 ("), charset 76 (UTF-8).
lo --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,3' --outdir "$TMP/csv" "$TMP/sample-2024.xlsx"
cp "$TMP/xls/sample-2024.xls" "$OUT/sample-2024.xls"
cp "$TMP/ods/sample-2024.ods" "$OUT/sample-2024.ods"
# WPS saves .et as the same compound BIFF8 file as .xls.
cp "$TMP/xls/sample-2024.xls" "$OUT/sample-2024.et"
CSV=$(ls "$TMP"/csv/*.csv | head -1)
cp "$CSV" "$OUT/合同台账-utf8.csv"
{ printf '\xef\xbb\xbf'; cat "$CSV"; } > "$OUT/合同台账-bom.csv"
iconv -f UTF-8 -t GB18030 "$CSV" > "$OUT/合同台账-gbk.csv"
rm -rf "$TMP"
ls -la "$OUT"
