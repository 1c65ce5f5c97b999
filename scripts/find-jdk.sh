# shellcheck shell=bash
# Finds a JDK >= 21 for Starling. Sourced by ./starling (and through it by .ci/run).
#
#   source scripts/find-jdk.sh
#   starling_find_jdk || exit 1     # sets STARLING_JDK (the JDK home) and STARLING_JDK_VERSION (major)
#   starling_use_jdk || exit 1      # the same, then exports JAVA_HOME, PATH and MAVEN_OPTS for ./mvnw
#
# Run directly (bash scripts/find-jdk.sh) it prints the JDK home, or the error line and exits 1.
#
# Order: $JAVA_HOME if it is >= 21; then `java` on PATH if >= 21; then the newest JDK >= 21 among the
# candidate homes matched by the colon-separated glob patterns in STARLING_JDK_SEARCH_PATH (default
# below; set it to an empty string to scan nothing). Only a JDK (with bin/javac) counts, not a JRE.

STARLING_MIN_JAVA=21
STARLING_JDK_SEARCH_PATH_DEFAULT="/usr/lib/jvm/*:/usr/local/*jdk*:/opt/*jdk*:/opt/java/*:$HOME/.sdkman/candidates/java/*:/Library/Java/JavaVirtualMachines/*/Contents/Home"

# Prints the major version of the JDK at home $1 (e.g. 17, 21, 25; 8 for 1.8), or nothing.
_starling_jdk_major() {
  local home=$1 v=""
  [[ -x "$home/bin/java" ]] || return 0
  if [[ -f "$home/release" ]]; then
    v=$(sed -n 's/^JAVA_VERSION="\{0,1\}\([^"]*\)"\{0,1\}.*$/\1/p' "$home/release" 2>/dev/null | head -n 1)
  fi
  if [[ -z "$v" ]]; then
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java\.specification\.version = *\([^ ]*\).*$/\1/p' | head -n 1)
  fi
  v=${v#1.}          # 1.8.0_392 -> 8.0_392
  v=${v%%[!0-9]*}    # 25.0.3 -> 25, 21-ea -> 21
  [[ -n "$v" ]] && printf '%s\n' "$v"
  return 0
}

# Describes a rejected Java home: "17 at /usr/lib/jvm/x", or "21 (a JRE, no javac) at ...".
_starling_describe() {
  if (($1 >= STARLING_MIN_JAVA)); then
    printf '%s (a JRE, no javac) at %s' "$1" "$2"
  else
    printf '%s at %s' "$1" "$2"
  fi
}

# Prints the physical path of directory $1.
_starling_realdir() { (cd -P -- "$1" 2>/dev/null && pwd -P); }

starling_find_jdk() {
  STARLING_JDK=""
  STARLING_JDK_VERSION=""
  local found=() seen=":" home major real java_bin

  # 1. JAVA_HOME
  if [[ -n "${JAVA_HOME:-}" ]]; then
    home=${JAVA_HOME%/}
    major=$(_starling_jdk_major "$home")
    if [[ -n "$major" ]]; then
      if ((major >= STARLING_MIN_JAVA)) && [[ -x "$home/bin/javac" ]]; then
        STARLING_JDK=$home STARLING_JDK_VERSION=$major
        return 0
      fi
      found+=("$(_starling_describe "$major" "$home") (JAVA_HOME)")
      real=$(_starling_realdir "$home") && seen+="$real:"
    else
      found+=("no java at JAVA_HOME=$home")
    fi
  fi

  # 2. java on PATH (its home is read from java.home, so symlinks such as /usr/bin/java resolve)
  if java_bin=$(command -v java 2>/dev/null); then
    local props
    props=$("$java_bin" -XshowSettings:properties -version 2>&1 || true)
    home=$(printf '%s\n' "$props" | sed -n 's/^ *java\.home = *\(.*\)$/\1/p' | head -n 1)
    major=$(printf '%s\n' "$props" | sed -n 's/^ *java\.specification\.version = *\([^ ]*\).*$/\1/p' | head -n 1)
    major=${major#1.}
    major=${major%%[!0-9]*}
    if [[ -n "$home" && -n "$major" ]]; then
      real=$(_starling_realdir "$home") || real=$home
      if ((major >= STARLING_MIN_JAVA)) && [[ -x "$home/bin/javac" ]]; then
        STARLING_JDK=$home STARLING_JDK_VERSION=$major
        return 0
      fi
      if [[ $seen != *":$real:"* ]]; then
        found+=("$(_starling_describe "$major" "$home") (PATH)")
        seen+="$real:"
      fi
    fi
  fi

  # 3. Scan the usual install locations; keep the newest JDK >= 21.
  local best="" best_major=0 pattern patterns=()
  IFS=: read -r -a patterns <<<"${STARLING_JDK_SEARCH_PATH-$STARLING_JDK_SEARCH_PATH_DEFAULT}"
  if ((${#patterns[@]} > 0)); then
    for pattern in "${patterns[@]}"; do
      [[ -n "$pattern" ]] || continue
      local IFS=""                   # no word splitting below, only glob expansion
      for home in $pattern; do       # unquoted on purpose
        [[ -x "$home/bin/java" ]] || continue
        real=$(_starling_realdir "$home") || continue
        [[ $seen == *":$real:"* ]] && continue
        seen+="$real:"
        major=$(_starling_jdk_major "$real")
        [[ -n "$major" ]] || continue
        if ((major >= STARLING_MIN_JAVA)) && [[ -x "$real/bin/javac" ]]; then
          if ((major > best_major)); then best=$real best_major=$major; fi
        else
          found+=("$(_starling_describe "$major" "$real")")
        fi
      done
    done
  fi
  if [[ -n "$best" ]]; then
    STARLING_JDK=$best STARLING_JDK_VERSION=$best_major
    return 0
  fi

  local summary="none"
  if ((${#found[@]} > 0)); then
    summary=$(IFS=';'; printf '%s' "${found[*]}")
    summary=${summary//;/, }
  fi
  echo "starling: needs a JDK $STARLING_MIN_JAVA or newer (found: $summary); install one (e.g. apt-get install openjdk-21-jdk, or Temurin 21+) or set JAVA_HOME to it" >&2
  return 1
}

# Finds the JDK and exports JAVA_HOME, PATH and MAVEN_OPTS to run ./mvnw with it.
starling_use_jdk() {
  starling_find_jdk || return 1
  export JAVA_HOME=$STARLING_JDK
  export PATH="$JAVA_HOME/bin:$PATH"
  # Maven 3.9 loads a native library (jansi) and guava uses sun.misc.Unsafe: on newer JDKs both print
  # warnings at every build unless allowed.
  case " ${MAVEN_OPTS:-} " in
    *" --enable-native-access="*) ;;
    *) MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--enable-native-access=ALL-UNNAMED" ;;
  esac
  if ((STARLING_JDK_VERSION >= 24)); then
    case " $MAVEN_OPTS " in
      *" --sun-misc-unsafe-memory-access="*) ;;
      *) MAVEN_OPTS="$MAVEN_OPTS --sun-misc-unsafe-memory-access=allow" ;;
    esac
  fi
  export MAVEN_OPTS
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  starling_find_jdk || exit 1
  printf '%s\n' "$STARLING_JDK"
fi
