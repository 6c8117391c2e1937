#!/usr/bin/env bash
# Installs schemathesis at the pinned versions of scripts/schemathesis-requirements.txt into a
# virtual environment under the target folder (once; again when the list changes), and prints the
# path of its command. CI exports it as MIERUKA_SCHEMATHESIS for
# crates/mieruka-server/tests/schemathesis.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
venv="$target/schemathesis-venv"
requirements=scripts/schemathesis-requirements.txt
stamp="$venv/installed-requirements.txt"
if [ ! -x "$venv/bin/schemathesis" ] || ! cmp -s "$requirements" "$stamp"; then
  echo "installing schemathesis into $venv" >&2
  rm -rf "$venv"
  if ! python3 -m venv "$venv" >&2; then
    # Debian's python3 keeps venv in its own package.
    echo "installing python3-venv" >&2
    apt-get update -qq >&2 && apt-get install -y -qq python3-venv >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    -r "$requirements" >&2
  cp "$requirements" "$stamp"
fi
"$venv/bin/schemathesis" --version >&2
echo "$(cd "$venv/bin" && pwd)/schemathesis"
