# Sourced by the floor scripts (small-get-floor.sh, small-put-floor.sh): the api server's jar,
# a work directory, rounds in rotating order, and the table of medians and ratios to the floors.
source "$(dirname "${BASH_SOURCE[0]}")/../compare/systems.sh"

# floor_setup SCRIPT: sets jar (OSTORE_JAR, or this checkout's api server jar, whose Jetty the
# Jetty floors run on) and work, a temporary directory that goes, with every server spawned, when
# the script exits; without a jar, exits naming SCRIPT.
floor_setup() {
  local checkout
  checkout=$(dirname "${BASH_SOURCE[0]}")/../../..
  jar=${OSTORE_JAR:-$checkout/ostore-server-api/target/ostore-server-api.jar}
  [ -f "$jar" ] || { echo "$1: no $jar (mvn package, or set OSTORE_JAR)" >&2; exit 2; }
  work=$(mktemp -d)
  LOGS=$work
  trap 'stop_servers; rm -rf "$work"' EXIT
}

# floor_rounds ROUNDS ROUND SYSTEM...: ROUNDS rounds of "ROUND R SYSTEM" for every SYSTEM
# (NAME=BASE_URL), the order rotating each round; ROUND prints "R<TAB>NAME<TAB>rate", and every
# line goes to $work/rounds too.
floor_rounds() {
  local rounds=$1 round=$2 r s
  shift 2
  local systems=("$@")
  for r in $(seq "$rounds"); do
    for s in "${systems[@]}"; do "$round" "$r" "$s"; done | tee -a "$work/rounds"
    systems=("${systems[@]:1}" "${systems[0]}")
  done
}

# floor_table UNIT FLOOR...: each system's median rate (in UNIT) over $work/rounds, and the median
# of its rounds' ratios to each FLOOR (a system's name).
floor_table() {
  python3 - "$work/rounds" "$@" <<'PY'
import collections, statistics, sys
rate = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    r, name, value = line.split()
    rate[name][r] = float(value)
unit, floors = sys.argv[2], sys.argv[3:]
print(f"system\tmedian {unit}\t" + "\t".join(f"÷ {f}" for f in floors))
for name, rounds in rate.items():
    ratios = [statistics.median(v / rate[f][r] for r, v in rounds.items()) for f in floors]
    print(f"{name}\t{statistics.median(rounds.values()):.0f}\t" +
          "\t".join(f"{x:.2f}" for x in ratios))
PY
}
