# Sourced by bin/ecmpipe and bin/test: sets JAVA_HOME to a JDK 21 or newer, or exits with a clear message.
# Order: $JAVA_HOME if new enough, Temurin 25 where Debian-based images put it, any JDK >= 21 under
# /usr/lib/jvm, then java on PATH. Written with shell built-ins where it can be (no subshells, no dirname or sed):
# it runs before every ecmpipe command, and each fork costs a few milliseconds of start-up.

# Sets JAVA_MAJOR to the major version of the java binary $1, or 0.
java_major_of() {
  local release="${1%/bin/java}/release" line v # the JDK's release file: no JVM start needed
  JAVA_MAJOR=0
  if [ -f "$release" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      case "$line" in
        JAVA_VERSION=*)
          v="${line#JAVA_VERSION=\"}"
          v="${v%%[!0-9]*}"
          if [ -n "$v" ]; then
            JAVA_MAJOR="$v"
            return
          fi
          ;;
      esac
    done <"$release"
  fi
  v="$("$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; found=1} END {if (!found) print 0}' | cut -d. -f1)"
  JAVA_MAJOR="${v:-0}"
}

java_major() { # prints the major version of the java binary $1, or 0
  java_major_of "$1"
  echo "$JAVA_MAJOR"
}

# A JDK (java and javac) of version 21 or newer at $1?
ecmpipe_usable_jdk() {
  [ -n "$1" ] && [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  java_major_of "$1/bin/java"
  [ "$JAVA_MAJOR" -ge 21 ]
}

# Sets ECMPIPE_JAVA_HOME, or returns 1.
ecmpipe_find_java_home() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
    candidate="${candidate%/}"
    if ecmpipe_usable_jdk "$candidate"; then
      ECMPIPE_JAVA_HOME="$candidate"
      return 0
    fi
  done
  # the newest first; listed only when neither of the above will do
  for candidate in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    candidate="${candidate%/}"
    if ecmpipe_usable_jdk "$candidate"; then
      ECMPIPE_JAVA_HOME="$candidate"
      return 0
    fi
  done
  if command -v javac >/dev/null 2>&1; then
    candidate="$(readlink -f "$(command -v javac)")"
    candidate="${candidate%/bin/javac}"
    if ecmpipe_usable_jdk "$candidate"; then
      ECMPIPE_JAVA_HOME="$candidate"
      return 0
    fi
  fi
  return 1
}

if ! ecmpipe_find_java_home; then
  echo "ecmpipe needs a JDK 21 or newer: none found in JAVA_HOME, /usr/lib/jvm or on PATH." >&2
  echo "Install one (e.g. apt-get install openjdk-21-jdk) or set JAVA_HOME to it." >&2
  exit 2
fi
export JAVA_HOME="$ECMPIPE_JAVA_HOME"
