# Shared by up.sh and down.sh: paths and process helpers.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="$root/.local/bin"
cluster="$root/.local/cluster"
run="$cluster/run"   # pid files
logs="$cluster/logs"
source "$here/versions.env"
source "$here/cluster.env"

# pid_of NAME: prints the recorded PID when that process is still our binary.
pid_of() {
  local pid
  pid="$(cat "$run/$1.pid" 2>/dev/null)" || return 1
  [[ "$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -1)" == "$bin/$1" ]] && echo "$pid"
}

# port_owner PORT: prints what listens on 127.0.0.1:PORT (empty when free).
port_owner() { ss -Htlnp "sport = :$1" 2>/dev/null | awk '{print $4, $6}'; }
