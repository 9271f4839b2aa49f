#!/usr/bin/env bash
# Schemathesis over every operation of the merged OpenAPI document, against the whole
# suite running through the gateway (QUALITY.md check 4, issue 7): `--checks all`,
# examples, coverage and the stateful phase over the document's links. Zero failures.
#
# Usage: check_contract.sh LOG_DIR   (needs the debug binary: `cargo build -p kefu`)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kefu-target}"
logs="${1:-$CARGO_TARGET_DIR/test-logs/contract}"
mkdir -p "$logs"

SCHEMATHESIS_VERSION=4.32.5
schemathesis --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION" ||
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
        "schemathesis==$SCHEMATHESIS_VERSION"

tmp=$(mktemp -d)
server=
cleanup() {
    [ -z "$server" ] || kill "$server" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
gateway_port=$(free_port)
gateway="http://127.0.0.1:$gateway_port"

# The fuzzer sends thousands of requests a minute from one token and one IP: limits
# that would refuse it are lifted (the limiter has its own tests). Tokens outlive the run.
KEFU_DATA_DIR="$tmp/data" \
KEFU_PUBLIC_URL="$gateway" \
KEFU_GATEWAY_ADDR="127.0.0.1:$gateway_port" \
KEFU_ACCOUNTS_ADDR="127.0.0.1:$(free_port)" \
KEFU_CUSTOMERS_ADDR="127.0.0.1:$(free_port)" \
KEFU_TICKETS_ADDR="127.0.0.1:$(free_port)" \
KEFU_RATE_LIMIT_PLANS="free=10000000,standard=10000000,enterprise=10000000" \
KEFU_RATE_LIMIT_PER_MINUTE=10000000 \
KEFU_RATE_LIMIT_CREDENTIAL_SHARE=1 \
KEFU_RATE_LIMIT_PUBLIC_PER_MINUTE=10000000 \
KEFU_LOGIN_MAX_FAILURES=1000000 \
KEFU_ACCESS_TOKEN_TTL_SECS=86400 \
KEFU_LOG=info \
    "$CARGO_TARGET_DIR/debug/kefu" serve >"$logs/kefu.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
    curl -fsS "$gateway/readyz" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { tail -50 "$logs/kefu.log"; exit 1; }
    sleep 0.5
done

token=$(python3 .ci/contract_token.py "$gateway")

# `POST /users/me/logout` ends the session the run's token belongs to, after which every
# later request would be a 401 proving nothing. It runs in a second pass, on its own.
logout='^/api/v1/users/me/logout$'
run() {
    schemathesis --config-file .ci/schemathesis.toml run "$gateway/openapi.json" \
        -H "Authorization: Bearer $token" --checks all --workers 2 \
        --max-examples "${KEFU_SCHEMATHESIS_EXAMPLES:-10}" --seed 1 \
        --suppress-health-check all --report junit --report-dir "$logs" "$@"
}
run --exclude-path-regex "$logout"
token=$(python3 .ci/contract_token.py "$gateway")
run --include-path-regex "$logout" --phases examples,coverage,fuzzing
