#!/bin/sh
# Render .docx/.xlsx files to PNG pages, as the screenshots in docs/使用说明.md were made:
#   sh docs/img/render.sh OUTDIR FILE...
# Needs LibreOffice (soffice), poppler-utils (pdftoppm) and CJK fonts (Debian: fonts-noto-cjk,
# fonts-arphic-ukai). The government fonts (仿宋_GB2312, 黑体, 楷体_GB2312, 方正小标宋简体) are
# not free: here they are drawn with Noto Serif/Sans CJK SC and AR PL UKai.
set -eu
out=$1; shift
mkdir -p "$out"
conf=$(mktemp -d)
cat > "$conf/fonts.conf" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <alias binding="strong"><family>仿宋_GB2312</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="strong"><family>仿宋</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="strong"><family>方正小标宋简体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="strong"><family>宋体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="strong"><family>黑体</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
  <alias binding="strong"><family>楷体_GB2312</family><prefer><family>AR PL UKai CN</family></prefer></alias>
  <alias binding="strong"><family>楷体</family><prefer><family>AR PL UKai CN</family></prefer></alias>
</fontconfig>
XML
FONTCONFIG_FILE="$conf/fonts.conf" soffice -env:UserInstallation="file://$conf/profile" --headless \
    --convert-to pdf --outdir "$conf" "$@" >/dev/null 2>&1
for pdf in "$conf"/*.pdf; do
    name=$(basename "$pdf" .pdf)
    pdftoppm -png -r 60 "$pdf" "$out/$name"
done
rm -rf "$conf"
ls "$out"
