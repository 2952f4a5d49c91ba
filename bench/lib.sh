# Helpers shared by the bench/ scripts; sourced (`. "$ROOT/bench/lib.sh"`), not run.

# The time now in seconds, with nanoseconds.
now() { date +%s.%N; }

# The median of the numbers given (the lower middle one of an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# "utime+stime cutime+cstime" of pid $1 in clock ticks (/proc/<pid>/stat fields 14-17; the command name may hold
# spaces), "-1 -1" once the process is gone.
cpu_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo "-1 -1"; return; }
  stat=${stat##*) }
  set -- $stat
  echo "$(( ${12} + ${13} )) $(( ${14} + ${15} ))"
}

# $2 - $1 in seconds, to the hundredth.
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# $1 / $2, to the thousandth.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

# Runs the command given and prints the seconds it took (its own output goes where the caller sends it).
timed() { local t0 t1; t0=$(now); "$@"; t1=$(now); seconds "$t0" "$t1"; }
