#!/bin/sh
# Install the one notify-sandbox wheel in a folder, non-editable, with the `fast` extra.
# Used by the Dockerfile's final stage and by the packaging test (tests/packaging/).
# usage: install-wheel.sh <wheel-dir> [extra ...]   (runs the `pip` first on PATH)
set -eu
wheel_dir=$1
shift
extras=fast
for extra in "$@"; do extras="$extras,$extra"; done
set -- "$wheel_dir"/notify_sandbox-*.whl
if [ "$#" -ne 1 ] || [ ! -f "$1" ]; then
    echo "install-wheel.sh: expected exactly one notify_sandbox wheel in $wheel_dir" >&2
    exit 1
fi
pip install --quiet --no-cache-dir "$1[$extras]"
