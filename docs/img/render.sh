#!/bin/sh
# Render .docx/.xlsx files to PNG pages with LibreOffice and poppler:
#   sh docs/img/render.sh OUTDIR FILE...        (RES=60 dots per inch unless set; CROP="-x X -y Y -W W -H H" in pixels)
# Needs soffice, pdftoppm and CJK fonts (Debian: libreoffice-writer libreoffice-calc poppler-utils
# fonts-noto-cjk fonts-arphic-ukai). The government fonts (仿宋_GB2312, 黑体, 楷体_GB2312,
# 方正小标宋简体) are not free: here they are drawn with Noto Serif/Sans CJK SC and AR PL UKai.
set -eu
out=$1; shift
mkdir -p "$out"
tmp=$(mktemp -d)
cat > "$tmp/fonts.conf" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <alias binding="strong"><family>仿宋_GB2312</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="strong"><family>方正小标宋简体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="strong"><family>宋体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="strong"><family>黑体</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
  <alias binding="strong"><family>楷体_GB2312</family><prefer><family>AR PL UKai CN</family></prefer></alias>
</fontconfig>
XML
# a profile of its own, so that it runs beside another LibreOffice
FONTCONFIG_FILE="$tmp/fonts.conf" soffice -env:UserInstallation="file://$tmp/profile" --headless \
    --convert-to pdf --outdir "$tmp" "$@" >/dev/null 2>&1
for pdf in "$tmp"/*.pdf; do
    # shellcheck disable=SC2086
    pdftoppm -png -r "${RES:-60}" ${CROP:-} "$pdf" "$out/$(basename "$pdf" .pdf)"
done
rm -rf "$tmp"
