#!/usr/bin/env bash
# Tests of build/prerequisites.sh with stub tools (run by build/test.sh): all present -> nothing installed; missing
# and cannot install (not root, registry unreachable, npm missing) -> one line, exit 2, nothing built; missing and
# root -> apt-get / npm called with the packages, then the command runs.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
cases=0

stub() { # stub FILE [BODY]: an executable shell script
  mkdir -p "$(dirname "$1")"
  printf '#!/bin/sh\n%s\n' "${2:-exit 0}" > "$1"
  chmod +x "$1"
}

# A fresh sandbox per case: $work/N/search (the tool search path), $work/N/calls (what the stubs were asked to do),
# a stub dotnet first on the PATH (so "nothing built" is observable) and the set-up's overrides.
setup() {
  case_dir="$work/$cases"
  search="$case_dir/search"
  calls="$case_dir/calls"
  mkdir -p "$search" "$case_dir/bin"
  : > "$calls"
  stub "$case_dir/bin/dotnet" "echo \"dotnet \$*\" >> '$calls'"
  stub "$case_dir/apt-get" "echo \"apt-get \$*\" >> '$calls'; [ \"\$1\" = install ] && for p in \"\$@\"; do case \$p in ffmpeg) printf '#!/bin/sh\n' > '$search/ffmpeg'; printf '#!/bin/sh\n' > '$search/ffprobe'; chmod +x '$search/ffmpeg' '$search/ffprobe';; esac; done; exit 0"
  unset ECHOMIMIC_FFMPEG ECHOMIMIC_FFPROBE ECHOMIMIC_ESPEAK_NG ECHOMIMIC_NPM
  export ECHOMIMIC_SETUP_PATH="$search" ECHOMIMIC_SETUP_UID=0 ECHOMIMIC_APT_GET="$case_dir/apt-get" ECHOMIMIC_TOOLS_DIR="$case_dir/tools"
}

present() { for tool in "$@"; do stub "$search/$tool"; done; }
azurite_present() { stub "$ECHOMIMIC_TOOLS_DIR/node_modules/.bin/azurite"; }

run() { # run SCRIPT: runs build/SCRIPT in the sandbox, sets $code, $output (stdout+stderr)
  set +e
  output=$(PATH="$case_dir/bin:$PATH" bash "$repo/build/$1" --stub-argument 2>&1)
  code=$?
  set -e
}

check() { # check NAME CONDITION...
  local name=$1
  shift
  cases=$((cases + 1))
  if "$@"; then echo "ok   $name"; else echo "FAIL $name (exit $code; output: $output; calls: $(tr '\n' ';' < "$calls"))"; failures=$((failures + 1)); fi
}

one_line_exit_2_nothing_built() { [ "$code" = 2 ] && [ "$(printf '%s\n' "$output" | wc -l)" = 1 ] && ! grep -q '^dotnet' "$calls" && [[ $output == *"$1"* ]]; }
no_install() { ! grep -q 'apt-get\|npm' "$calls"; }

setup; present ffmpeg ffprobe; run render.sh
check "render: all present -> no install, dotnet run" bash -c "[ $code = 0 ] && ! grep -q apt-get '$calls' && grep -q '^dotnet run --project cli/EchoMimic.Cli -c Release -- render --stub-argument' '$calls'"

setup; present ffmpeg ffprobe espeak-ng node; azurite_present; export ECHOMIMIC_NPM="$case_dir/npm"; stub "$ECHOMIMIC_NPM" "echo \"npm \$*\" >> '$calls'"; run render.sh
check "test prerequisites: all present -> nothing installed" bash -c "source '$repo/build/prerequisites.sh'; require_prerequisites test && ! grep -q 'apt-get\|npm' '$calls'"

setup; export ECHOMIMIC_SETUP_UID=1000; run render.sh
check "render: ffmpeg missing, not root -> one line naming sudo apt-get, exit 2, nothing built" \
  one_line_exit_2_nothing_built "run sudo apt-get update && sudo apt-get install -y ffmpeg"
check "render: not root -> apt-get not attempted" no_install

setup; stub "$ECHOMIMIC_APT_GET" "echo \"apt-get \$*\" >> '$calls'; exit 100"; run render.sh
check "render: ffmpeg missing, registry unreachable -> one line, exit 2, nothing built" \
  one_line_exit_2_nothing_built "run apt-get update && apt-get install -y ffmpeg"
check "render: registry unreachable -> only apt-get update tried" bash -c "[ \"\$(cat '$calls')\" = 'apt-get update -qq' ]"

setup; run render.sh
check "render: ffmpeg missing, root -> apt-get install ffmpeg, then dotnet run" \
  bash -c "[ $code = 0 ] && grep -q '^apt-get install -y -qq ffmpeg$' '$calls' && grep -q '^dotnet run' '$calls'"

setup; present ffmpeg ffprobe; export ECHOMIMIC_FFMPEG="$case_dir/no-such-ffmpeg"; run render.sh
check "render: ECHOMIMIC_FFMPEG names no file -> one line naming the variable, exit 2" \
  one_line_exit_2_nothing_built "ECHOMIMIC_FFMPEG=$case_dir/no-such-ffmpeg is not an executable file"

setup; present ffmpeg ffprobe espeak-ng node; export ECHOMIMIC_NPM="$case_dir/npm"
stub "$ECHOMIMIC_NPM" "echo \"npm \$*\" >> '$calls'; mkdir -p '$ECHOMIMIC_TOOLS_DIR/node_modules/.bin'"
check "test prerequisites: Azurite missing -> npm install azurite@3.35.0 into the tools folder, no apt-get" \
  bash -c "source '$repo/build/prerequisites.sh'; require_prerequisites test 2>/dev/null && grep -q '^npm install --prefix $ECHOMIMIC_TOOLS_DIR .*azurite@3.35.0' '$calls' && ! grep -q apt-get '$calls'"

setup; present ffmpeg ffprobe espeak-ng node; export ECHOMIMIC_NPM="$case_dir/npm"; stub "$ECHOMIMIC_NPM" "exit 1"
set +e; output=$(bash -c "source '$repo/build/prerequisites.sh'; require_prerequisites test" 2>&1); code=$?; set -e
check "test prerequisites: npm registry unreachable -> one line naming npm install, exit 2" \
  bash -c "[ $code = 2 ] && [ \"\$(printf '%s\n' \"\$0\" | wc -l)\" = 1 ] && [[ \"\$0\" == *'npm install --prefix'*'azurite@3.35.0'* ]]" "$output"

setup; present ffmpeg ffprobe; export ECHOMIMIC_SETUP_UID=1000
set +e; output=$(bash -c "source '$repo/build/prerequisites.sh'; require_prerequisites test" 2>&1); code=$?; set -e
check "test prerequisites: espeak-ng, node, npm missing, not root -> one line with every package and the npm step" \
  bash -c "[ $code = 2 ] && [[ \"\$0\" == *'sudo apt-get install -y espeak-ng nodejs npm && npm install --prefix'* ]]" "$output"

echo "prerequisites: $cases cases, $failures failed"
[ "$failures" = 0 ]
