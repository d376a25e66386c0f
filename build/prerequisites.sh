# Sourced by build/render.sh and build/test.sh: finds what the command needs and installs what is missing, or stops
# before any work with one line naming the command to run (exit code 2).
#
#   require_prerequisites render   ffmpeg + ffprobe
#   require_prerequisites test     ffmpeg + ffprobe, espeak-ng, Node + npm, Azurite in .tools
#
# Tools are looked up as the CLI looks them up: $ECHOMIMIC_FFMPEG / $ECHOMIMIC_FFPROBE / $ECHOMIMIC_ESPEAK_NG when
# set (then they must be executable files), else the PATH. Installing needs root and a reachable package registry
# (apt-get for Debian packages, npm for Azurite). The overrides below exist for build/prerequisites-test.sh:
#   ECHOMIMIC_SETUP_PATH  where tools are searched (default: $PATH)
#   ECHOMIMIC_SETUP_UID   the user id deciding whether apt-get may run (default: id -u)
#   ECHOMIMIC_APT_GET     the apt-get command (default: apt-get)
#   ECHOMIMIC_NPM         the npm command (default: npm on the search path)
#   ECHOMIMIC_TOOLS_DIR   where Azurite is installed (default: .tools of the repository)

AZURITE_VERSION=3.35.0

_prereq_stop() {
  echo "error: $1" >&2
  exit 2
}

# Prints the path of a tool: the variable's value when set, else the first match on the search path.
_prereq_find() {
  local tool=$1 variable=$2 configured
  configured=${variable:+${!variable:-}}
  if [ -n "$configured" ]; then
    [ -f "$configured" ] && [ -x "$configured" ] || _prereq_stop "$tool: $variable=$configured is not an executable file; fix $variable or unset it"
    echo "$configured"
    return 0
  fi
  PATH="${ECHOMIMIC_SETUP_PATH:-$PATH}" command -v "$tool" 2>/dev/null
}

require_prerequisites() {
  local purpose=$1 repo tools azurite apt uid
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  tools=${ECHOMIMIC_TOOLS_DIR:-$repo/.tools}
  azurite="$tools/node_modules/.bin/azurite"
  apt=${ECHOMIMIC_APT_GET:-apt-get}
  uid=${ECHOMIMIC_SETUP_UID:-$(id -u)}

  local packages=()
  _prereq_find ffmpeg ECHOMIMIC_FFMPEG >/dev/null || packages+=(ffmpeg)
  if ! _prereq_find ffprobe ECHOMIMIC_FFPROBE >/dev/null && [[ ! " ${packages[*]} " == *" ffmpeg "* ]]; then packages+=(ffmpeg); fi
  local need_azurite=0
  if [ "$purpose" = test ]; then
    _prereq_find espeak-ng ECHOMIMIC_ESPEAK_NG >/dev/null || packages+=(espeak-ng)
    _prereq_find node "" >/dev/null || packages+=(nodejs)
    [ -x "$azurite" ] || need_azurite=1
    if [ "$need_azurite" = 1 ] && [ -z "${ECHOMIMIC_NPM:-}" ] && ! _prereq_find npm "" >/dev/null; then packages+=(npm); fi
  fi
  [ ${#packages[@]} -eq 0 ] && [ "$need_azurite" = 0 ] && return 0

  local npm_install="npm install --prefix $tools --no-audit --no-fund azurite@$AZURITE_VERSION"
  if [ ${#packages[@]} -gt 0 ]; then
    local apt_install="apt-get update && apt-get install -y ${packages[*]}"
    local then_npm=""
    [ "$need_azurite" = 1 ] && then_npm=" && $npm_install"
    [ "$uid" = 0 ] || _prereq_stop "missing ${packages[*]}; installing needs root: run sudo apt-get update && sudo apt-get install -y ${packages[*]}$then_npm"
    "$apt" update -qq >/dev/null 2>&1 || _prereq_stop "missing ${packages[*]} and the package registry is unreachable (apt-get update failed): run $apt_install$then_npm once it is reachable"
    DEBIAN_FRONTEND=noninteractive "$apt" install -y -qq "${packages[@]}" >/dev/null 2>&1 || _prereq_stop "apt-get could not install ${packages[*]}: run $apt_install$then_npm"
    echo "installed ${packages[*]} (apt-get)" >&2
  fi

  if [ "$need_azurite" = 1 ]; then
    local npm=${ECHOMIMIC_NPM:-$(_prereq_find npm "")}
    [ -n "$npm" ] || _prereq_stop "Azurite is missing and npm is not installed: run apt-get install -y npm && $npm_install"
    mkdir -p "$tools"
    "$npm" install --prefix "$tools" --no-audit --no-fund --silent "azurite@$AZURITE_VERSION" >/dev/null 2>&1 \
      || _prereq_stop "npm could not install Azurite (registry unreachable?): run $npm_install"
    echo "installed azurite@$AZURITE_VERSION into $tools (npm)" >&2
  fi
}
