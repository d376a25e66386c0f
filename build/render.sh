#!/usr/bin/env bash
# The README's main command: renders the bundled portrait, speech and gesture to out/echomimic.mp4 (flags are passed
# to `echomimic render`), after installing ffmpeg if the machine lacks it.
set -euo pipefail
cd "$(dirname "$0")/.."
source build/prerequisites.sh
require_prerequisites render
exec dotnet run --project cli/EchoMimic.Cli -c Release -- render "$@"
