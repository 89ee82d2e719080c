#!/bin/sh
# Re-renders the committed PNGs from the SVGs (needs rsvg-convert from librsvg2-bin).
# The PNGs are committed so that CI and packaging need no image tool.
set -eu
cd "$(dirname "$0")"
rsvg-convert -w 512 -h 512 icon.svg -o icon.png
mkdir -p icons
for s in 16 32 48 64 128 256 512; do
  rsvg-convert -w "$s" -h "$s" icon.svg -o "icons/${s}x${s}.png"
done
rsvg-convert -w 16 -h 16 tray.svg -o tray.png
rsvg-convert -w 32 -h 32 tray.svg -o tray@2x.png
