#!/bin/sh
# Remake the screenshots of docs/使用说明.md from the repository (run from its root, with selfscore installed
# with the xlsx and docx extras): a blank template, and the xlsx and docx outputs for the hand-filled
# table tests/data/sheets/yuangang-2023.xlsx (元岗街道 2023).
set -eu
img=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
selfscore template --spec tianhe-2023 -o "$work/template.xlsx"
selfscore score tests/data/sheets/yuangang-2023.xlsx --spec tianhe-2023 --format xlsx -o "$work/result.xlsx"
selfscore score tests/data/sheets/yuangang-2023.xlsx --spec tianhe-2023 --format docx -o "$work/report.docx"
RES=80 CROP="-f 1 -l 1" sh "$img/render.sh" "$work/t" "$work/template.xlsx"
RES=80 sh "$img/render.sh" "$work/x" "$work/result.xlsx"
RES=60 sh "$img/render.sh" "$work/d" "$work/report.docx"
cp "$work/t/template-1.png" "$img/template.png"
cp "$work/x/result-1.png" "$img/result-xlsx.png"
cp "$work/d/report-1.png" "$img/report-page1.png"
# the first landscape page: the 附件 with the 自评表
table=$(python3 -c 'import struct, sys
for f in sorted(sys.argv[1:], key=lambda f: int(f.rsplit("-", 1)[1][:-4])):
    w, h = struct.unpack(">II", open(f, "rb").read()[16:24])
    if w > h:
        print(f); break' "$work"/d/report-*.png)
cp "$table" "$img/report-table.png"
rm -rf "$work"
ls -l "$img"/*.png
