#!/bin/sh
# Install the one notify-sandbox wheel in a folder, non-editable, with the `fast` extra.
# Used by the Dockerfile's final stage and by the packaging test (tests/packaging/).
# usage: install-wheel.sh <wheel-dir> [other requirement ...]   (runs the `pip` first on PATH)
set -eu
wheel_dir=$1
shift
for wheel in "$wheel_dir"/notify_sandbox-*.whl; do
    if [ ! -f "$wheel" ]; then
        echo "install-wheel.sh: no notify_sandbox wheel in $wheel_dir" >&2
        exit 1
    fi
done
pip install --quiet --no-cache-dir "$wheel[fast]" "$@"
