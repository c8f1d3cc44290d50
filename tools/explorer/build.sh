#!/bin/sh
# Rebuild kg/static/explore/vendor.js (sigma.js + graphology + ForceAtlas2, minified, one file, no
# network at run time) and the libraries' licences beside it: cd tools/explorer && npm ci && sh build.sh
set -eu
cd "$(dirname "$0")"
out=../../kg/static/explore
mkdir -p "$out"
./node_modules/.bin/esbuild vendor.js --bundle --minify --format=iife --target=es2019 \
  --legal-comments=none --outfile="$out/vendor.js"
{
  echo "Third-party software bundled in vendor.js (built by tools/explorer/build.sh from npm):"
  for pkg in graphology graphology-layout graphology-layout-forceatlas2 graphology-utils sigma events mnemonist obliterator pandemonium; do
    dir=node_modules/$pkg
    version=$(node -p "require('./$dir/package.json').version")
    license=$(node -p "require('./$dir/package.json').license")
    echo
    echo "================================================================================"
    echo "$pkg $version ($license)"
    echo "================================================================================"
    file=$(ls "$dir" | grep -i -m1 '^licen[cs]e') || { echo "no licence file in $dir" >&2; exit 1; }
    cat "$dir/$file"
  done
} > "$out/THIRD-PARTY-LICENSES.txt"
