#!/usr/bin/env bash
# Debian packages the embedded run and the tests need: ffmpeg, venv support for python3, gettext
# (the portal's message catalogues are compiled at install time) and npm (the portal's hls.js).
# INSTALL_CHROMIUM=1 adds Debian's chromium, which the portal's browser tests drive, and fonts for
# its Chinese, Arabic and Urdu pages.
set -euo pipefail

missing=()
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || missing+=(ffmpeg)
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
command -v msgfmt >/dev/null || missing+=(gettext)
command -v npm >/dev/null || missing+=(npm)
if [ "${INSTALL_CHROMIUM:-0}" = 1 ]; then
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    fc-list 2>/dev/null | grep -q "Noto Sans CJK" || missing+=(fonts-noto-core fonts-noto-cjk)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
