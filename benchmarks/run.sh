#!/usr/bin/env bash
# The province-scale benchmark from a fresh clone, in one command:
#   bash benchmarks/run.sh --proposals 100000 [--json scale.json] [other options: --help]
# Installs the app with its benchmark extra (gunicorn, locust), then runs
# benchmarks/scale.py on a scratch PostgreSQL database (127.0.0.1:5432) that it drops
# at the end. Redis (127.0.0.1:6379, db 12) serves as the cache of the load test's server.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[bench]'
export REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/12}
exec .venv/bin/python -m benchmarks.scale "$@"
