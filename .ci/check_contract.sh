#!/usr/bin/env bash
# Schemathesis over every operation of the merged OpenAPI document, against the whole
# suite running through the gateway (QUALITY.md check 4, issue 7): `--checks all`,
# examples, coverage and the stateful phase over the document's links. Zero failures.
#
# Usage: check_contract.sh LOG_DIR   (needs the debug binary: `cargo build -p kefu`)
set -euo pipefail
cd "$(dirname "$0")/.."
logs="${1:-${CARGO_TARGET_DIR:-$HOME/.cache/kefu-target}/test-logs/contract}"
mkdir -p "$logs"

SCHEMATHESIS_VERSION=4.32.5
schemathesis --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION" ||
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
        "schemathesis==$SCHEMATHESIS_VERSION"

source .ci/serve_suite.sh
# The fuzzer sends thousands of requests a minute from one token and one IP: limits
# that would refuse it are lifted (the limiter has its own tests). Tokens outlive the run.
serve_suite "$logs/kefu.log" \
    KEFU_RATE_LIMIT_PLANS="free=10000000,standard=10000000,enterprise=10000000" \
    KEFU_RATE_LIMIT_PER_MINUTE=10000000 \
    KEFU_RATE_LIMIT_CREDENTIAL_SHARE=1 \
    KEFU_RATE_LIMIT_PUBLIC_PER_MINUTE=10000000 \
    KEFU_LOGIN_MAX_FAILURES=1000000 \
    KEFU_ACCESS_TOKEN_TTL_SECS=86400 \
    KEFU_LOG=info

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
