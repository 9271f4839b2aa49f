# Sourced by the checks that need the whole suite running on its embedded defaults
# (SQLite, embedded event log) from the debug binary.
#
#   serve_suite LOG [VAR=value ...]
#
# starts `kefu serve` with the gateway on a free port and every service of the registry
# (`kefu services`) on port 0 (the suite wires the gateway to whatever ports they get, so
# a new service needs no edit here), its data in "$suite_tmp/data", the extra environment given, and waits for the
# gateway's /readyz; it sets $gateway. The EXIT trap stops the suite and removes
# $suite_tmp, where the caller may keep its own files too.

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kefu-target}"
KEFU="$CARGO_TARGET_DIR/debug/kefu"
suite_tmp=$(mktemp -d)
suite_pid=

stop_suite() {
    if [ -n "$suite_pid" ]; then
        kill "$suite_pid" 2>/dev/null || true
        wait "$suite_pid" 2>/dev/null || true
    fi
    rm -rf "$suite_tmp"
}
trap stop_suite EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

serve_suite() {
    local log=$1 port
    shift
    port=$(free_port)
    gateway="http://127.0.0.1:$port"
    # Every service of the registry (`kefu services`) on port 0.
    local addrs=() name _
    while read -r name _; do
        [ "$name" = gateway ] || addrs+=("KEFU_${name^^}_ADDR=127.0.0.1:0")
    done < <("$KEFU" services)
    env KEFU_DATA_DIR="$suite_tmp/data" KEFU_PUBLIC_URL="$gateway" KEFU_GATEWAY_ADDR="127.0.0.1:$port" \
        "${addrs[@]}" "$@" "$KEFU" serve >"$log" 2>&1 &
    suite_pid=$!
    for _ in $(seq 1 120); do
        "$KEFU" health "$gateway/readyz" >/dev/null 2>&1 && return 0
        kill -0 "$suite_pid" 2>/dev/null || break
        sleep 0.5
    done
    echo "--- $log (last 40 lines)"
    tail -n 40 "$log"
    echo "the suite did not answer ready at $gateway/readyz within 60 s"
    return 1
}
