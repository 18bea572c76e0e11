#!/usr/bin/env bash
# Builds the pinned Temporal CLI and MinIO server into the project's bin/ folder, once.
# A binary already in bin/ is never rebuilt. Usage: deploy/tools.sh [temporal] [minio]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/bin"
mkdir -p "$bin"

TEMPORAL_PKG=github.com/temporalio/cli/cmd/temporal@v1.5.1
MINIO_PKG=github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c

build() { # name package
  local name=$1 pkg=$2
  if [ -x "$bin/$name" ]; then return 0; fi
  echo "certflow: building $name from $pkg into bin/ (first time only, a few minutes)..." >&2
  GOBIN="$bin" GOFLAGS=-buildvcs=false go install "$pkg"
}

# PostgreSQL server binaries come from Debian's packages when the machine lacks them.
postgres_present() {
  command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1
}
if ! postgres_present; then
  echo "certflow: installing PostgreSQL from Debian packages..." >&2
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
fi

want=("$@")
[ ${#want[@]} -gt 0 ] || want=(temporal minio)
for t in "${want[@]}"; do
  case "$t" in
    temporal) build temporal "$TEMPORAL_PKG" ;;
    minio) build minio "$MINIO_PKG" ;;
    *) echo "unknown tool $t" >&2; exit 2 ;;
  esac
done
