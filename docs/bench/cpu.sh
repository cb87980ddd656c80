# Sourced by the benchmark scripts: the CPU that processes spent so far, user and system
# together, in clock ticks (`getconf CLK_TCK` a second), from /proc/<pid>/stat.
#   cpu_ticks PID...         the processes with these ids
#   cpu_ticks_of PIDFILE...  the processes whose ids these files hold, as cluster.sh writes them
cpu_ticks() {
  local sum=0 pid
  for pid in "$@"; do
    sum=$((sum + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$sum"
}
cpu_ticks_of() {
  local file pids=()
  for file in "$@"; do
    pids+=("$(cat "$file")")
  done
  cpu_ticks "${pids[@]}"
}
