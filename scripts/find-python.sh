#!/usr/bin/env bash
# Prints the path of the first Python >= 3.12 on this machine (Django 6 needs it), or explains what to
# install and exits 1. Candidates that exist but do not run (pyenv shims of versions that are not
# selected) are skipped.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
candidates=(python3.13 python3.12 python3)
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  for p in "$root"/versions/3.13*/bin/python3 "$root"/versions/3.12*/bin/python3; do candidates+=("$p"); done
fi
for c in "${candidates[@]}"; do
  path=$(command -v "$c" 2>/dev/null) || continue
  if ok "$path"; then
    "$path" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done
echo "No Python >= 3.12 found. Install Python 3.12 or 3.13 (for example with pyenv: 'pyenv install 3.12')." >&2
exit 1
