# Sourced by bin/ecmpipe and bin/test: sets JAVA_HOME to a JDK 21 or newer, or exits with a clear message.
# Order: $JAVA_HOME if new enough, Temurin 25 where Debian-based images put it, any JDK >= 21 under
# /usr/lib/jvm, then java on PATH.

java_major() { # prints the major version of the java binary $1, or 0
  local release v
  release="$(dirname "$(dirname "$1")")/release" # the JDK's release file: no JVM start needed
  if [ -f "$release" ]; then
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")"
    if [ -n "$v" ]; then
      echo "$v"
      return
    fi
  fi
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; found=1} END {if (!found) print 0}' | cut -d. -f1
}

ecmpipe_find_java_home() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    candidate="${candidate%/}"
    if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] \
        && [ "$(java_major "$candidate/bin/java")" -ge 21 ]; then
      echo "$candidate"
      return 0
    fi
  done
  if command -v javac >/dev/null 2>&1; then
    candidate="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
    if [ "$(java_major "$candidate/bin/java")" -ge 21 ]; then
      echo "$candidate"
      return 0
    fi
  fi
  return 1
}

if ! ECMPIPE_JAVA_HOME="$(ecmpipe_find_java_home)"; then
  echo "ecmpipe needs a JDK 21 or newer: none found in JAVA_HOME, /usr/lib/jvm or on PATH." >&2
  echo "Install one (e.g. apt-get install openjdk-21-jdk) or set JAVA_HOME to it." >&2
  exit 2
fi
export JAVA_HOME="$ECMPIPE_JAVA_HOME"
