#!/usr/bin/env bash
# Re-vendor the NHS.UK frontend into src/integrated_care/web/static/nhsuk/.
#
# The web UI must work offline and ship inside the Python wheel, so we copy only the compiled,
# minified CSS and JS and the images they reference: no Sass, no source maps, no node_modules.
# Run from anywhere; needs npm (only the npm registry is contacted) and python3.
#
# Three edits are made to the upstream CSS, each checked afterwards:
#   1. url(/assets/...) becomes url(assets/...): upstream assumes the assets live at the site
#      root, ours sit next to the CSS under /static/nhsuk/, and a relative URL resolves there.
#   2. The @font-face rules are dropped: they load Frutiger from assets.nhs.uk, a CDN that is
#      off limits at run time (and the font is not redistributable). The font stack falls back
#      to Arial, which is what NHS.UK itself shows before the web font loads.
#   3. The sourceMappingURL comments are removed because the .map files are not shipped.
set -euo pipefail

PACKAGE="nhsuk-frontend"
VERSION="10.6.1"
# sha256 of the npm tarball for $VERSION; a mismatch means the registry served something else.
TARBALL_SHA256="1af037bcb75237c4208809d3ac9a06522ccf61b2268221268ead3985bceb060b"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/src/integrated_care/web/static/nhsuk"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "Fetching $PACKAGE@$VERSION ..."
(cd "$WORK" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
TARBALL="$WORK/$PACKAGE-$VERSION.tgz"
echo "$TARBALL_SHA256  $TARBALL" | sha256sum --check --quiet
tar -xzf "$TARBALL" -C "$WORK"
DIST="$WORK/package/dist/nhsuk"

rm -rf "$DEST"
mkdir -p "$DEST"
cp "$DIST/nhsuk-frontend.min.css" "$DIST/nhsuk-frontend.min.js" "$DEST/"
cp -R "$DIST/assets" "$DEST/assets"
# The Open Graph image is only useful with an absolute public URL, which a local ICS lacks.
rm -f "$DEST/assets/images/nhsuk-opengraph-image.png"

python3 - "$DEST" <<'PY'
import pathlib
import re
import sys

dest = pathlib.Path(sys.argv[1])
css_path = dest / "nhsuk-frontend.min.css"
css = css_path.read_text(encoding="utf-8")
css, fonts = re.subn(r"@font-face\{[^}]*\}", "", css)
css = css.replace("url(/assets/", "url(assets/")
css = re.sub(r"\n?/\*# sourceMappingURL=[^*]*\*/\s*$", "\n", css)
css_path.write_text(css, encoding="utf-8")

js_path = dest / "nhsuk-frontend.min.js"
js = re.sub(r"\n?//# sourceMappingURL=\S*\s*$", "\n", js_path.read_text(encoding="utf-8"))
js_path.write_text(js, encoding="utf-8")

# Every url() left must be relative and point at a file we ship; anything else would either
# 404 or reach out to the network.
problems = []
for url in sorted(set(re.findall(r"url\(\s*['\"]?([^'\")]+)", css))):
    if url.startswith("data:"):
        continue
    if re.match(r"^([a-z]+:|/)", url) or not (dest / url).is_file():
        problems.append(url)
if fonts != 2 or problems or "sourceMappingURL" in css + js:
    sys.exit(f"vendored CSS check failed: fonts removed={fonts}, bad urls={problems}")
PY

# The npm tarball has no LICENSE file, so the upstream MIT text is reproduced here.
cat >"$DEST/LICENSE" <<'EOF'
MIT License

Copyright (c) 2019 NHS.UK

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF

cat >"$DEST/VERSION" <<EOF
$PACKAGE $VERSION
Licence: MIT (see LICENSE). Source: the $PACKAGE package on the npm registry.
Tarball sha256: $TARBALL_SHA256
Files: dist/nhsuk/nhsuk-frontend.min.css, dist/nhsuk/nhsuk-frontend.min.js, dist/nhsuk/assets/
(less assets/images/nhsuk-opengraph-image.png).
Local edits to the CSS: url(/assets/...) made relative; @font-face rules for the
assets.nhs.uk web fonts removed (no CDN at run time; text falls back to Arial);
sourceMappingURL comments removed from the CSS and JS (maps are not shipped).
Regenerate with tools/vendor-nhsuk-frontend.sh.
EOF

echo "Vendored $PACKAGE $VERSION into ${DEST#"$ROOT"/} ($(du -sh "$DEST" | cut -f1))"
