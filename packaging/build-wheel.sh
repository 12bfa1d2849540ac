#!/bin/sh
# Build the notify-sandbox wheel from a checkout into a folder.
# Used by the Dockerfile's build stage and by the packaging test (tests/packaging/).
# usage: build-wheel.sh <checkout> <wheel-dir>      (runs the `pip` first on PATH)
set -eu
checkout=$1
mkdir -p "$2"
wheel_dir=$(cd "$2" && pwd)
# build from a clean copy: a stale build/ or *.egg-info in the checkout would
# put files in the wheel that pyproject.toml no longer names
source_dir=$(mktemp -d)
trap 'rm -rf "$source_dir"' EXIT
cp -R "$checkout/pyproject.toml" "$checkout/README.md" "$checkout/simulator" "$source_dir/"
find "$source_dir" -name __pycache__ -type d -prune -exec rm -rf {} +
pip wheel --quiet --no-cache-dir --no-deps --wheel-dir "$wheel_dir" "$source_dir"
