#!/usr/bin/env bash
# The README's test command (and CI's: .ci/run runs exactly this): installs what the tests need (ffmpeg, espeak-ng,
# Node + Azurite), checks the set-up scripts themselves and the Bicep templates, then runs every test project.
# Arguments are passed to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")/.."
source build/prerequisites.sh
require_prerequisites test

# The golden fixtures and official samples (../shared) must be there: a test that would skip without them fails.
# A checkout without ../shared runs with ECHOMIMIC_REQUIRE_FIXTURES=0 and sees those tests as skipped.
export ECHOMIMIC_REQUIRE_FIXTURES="${ECHOMIMIC_REQUIRE_FIXTURES:-1}"

bash build/prerequisites-test.sh
bash .ci/bicep-check
dotnet test EchoMimic.Cloud.sln "$@"
