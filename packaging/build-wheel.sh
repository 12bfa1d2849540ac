#!/bin/sh
# Build the notify-sandbox wheel from a checkout into a folder.
# Used by the Dockerfile's build stage and by the packaging test (tests/packaging/).
# usage: build-wheel.sh <checkout> <wheel-dir>      (runs the `pip` first on PATH)
set -eu
checkout=$1
wheel_dir=$2
pip wheel --quiet --no-cache-dir --no-deps --wheel-dir "$wheel_dir" "$checkout"
