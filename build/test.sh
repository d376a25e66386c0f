#!/usr/bin/env bash
# The README's test command (and CI's: .ci/run runs exactly this): installs what the tests need (ffmpeg, espeak-ng,
# Node + Azurite), checks the set-up scripts themselves and the Bicep templates, then runs every test project.
# Arguments are passed to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")/.."
source build/prerequisites.sh
require_prerequisites test

# The shared data (golden fixtures, official samples, weights manifest) is $ECHOMIMIC_SHARED, else ../shared; a
# clone of a local checkout (git clone . /tmp/x) finds the shared folder beside the checkout it was cloned from.
if [ -z "${ECHOMIMIC_SHARED:-}" ] && [ ! -d ../shared ]; then
  origin="$(git config --get remote.origin.url 2>/dev/null || true)"
  if [ -n "$origin" ] && [ -d "$origin/../shared" ]; then
    export ECHOMIMIC_SHARED="$(cd "$origin/../shared" && pwd)"
  fi
fi

# The shared data must be there: a test that would skip without it fails. A checkout without it runs with
# ECHOMIMIC_REQUIRE_FIXTURES=0 and sees those tests as skipped.
export ECHOMIMIC_REQUIRE_FIXTURES="${ECHOMIMIC_REQUIRE_FIXTURES:-1}"
if [ "$ECHOMIMIC_REQUIRE_FIXTURES" = 1 ] && [ ! -d "${ECHOMIMIC_SHARED:-../shared}" ]; then
  echo "error: the shared test data is missing (../shared or \$ECHOMIMIC_SHARED): set ECHOMIMIC_SHARED=/path/to/shared, or run with ECHOMIMIC_REQUIRE_FIXTURES=0 to skip the tests that need it" >&2
  exit 2
fi

bash build/prerequisites-test.sh
bash .ci/bicep-check
dotnet test EchoMimic.Cloud.sln "$@"
