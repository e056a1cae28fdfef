#!/usr/bin/env bash
# Sets up a fresh Debian machine for examgen: system packages (fonts, PDF tools), a virtual
# environment at .venv/ in the repo root, and the package with its test extra.
# Safe to run again: each step is skipped when it is already done.
set -euo pipefail
cd "$(dirname "$0")"

PY=${PYTHON:-python3}
apt_packages=(
  fonts-nanum           # a Hangul font for the PDFs
  fontconfig            # font lookup (fc-match)
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   # WeasyPrint's text layout and PDF font subsetting
  poppler-utils         # pdftotext, pdffonts, pdftoppm: used by the tests and to look at PDFs
  chromium              # the practice app's browser test (Playwright drives /usr/bin/chromium)
)
# Debian's own python3 needs python3-venv for `python3 -m venv`; other Pythons bring it along
"$PY" -c "import ensurepip, venv" 2>/dev/null || apt_packages+=(python3-venv)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.examgen-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing examgen and its test extra into .venv"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e '.[test]'
  echo "$want" > "$stamp"
fi
