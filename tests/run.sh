#!/usr/bin/env bash
# The whole test suite, from a fresh clone: install, lint, check generated docs and
# migrations and the import contracts, then pytest on PostgreSQL (127.0.0.1:5432) and
# Redis (127.0.0.1:6379).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

# Browser tests drive Debian's Chromium (never a downloaded browser); a CJK font makes
# the screenshots readable.
if [ ! -x /usr/lib/chromium/chromium ] || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; then
  echo "== installing chromium and a CJK font (apt)"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-wqy-microhei > /dev/null
fi

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== import contracts (pyproject.toml [tool.importlinter])"
.venv/bin/lint-imports --no-cache

echo "== migrations and generated docs are up to date"
.venv/bin/python manage.py makemigrations --check --dry-run > /dev/null
.venv/bin/python manage.py workflow_doc --check

echo "== pytest"
.venv/bin/python -m pytest --create-db "$@"
