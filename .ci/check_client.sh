#!/usr/bin/env bash
# The generated third-party client contract (issue 7): openapi-python-client turns the
# running gateway's /openapi.json into a Python client with no warning and no hand
# edit, one module per documented operation, and .ci/client_scenario.py lives a ticket's
# life through that client alone. A warning means an endpoint or schema a third party
# would silently lose: the document is wrong, fix it (not the generated code).
# Needs the debug binary (`cargo build -p kefu`); starts the suite on SQLite in a temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned: a newer generator may accept or refuse different things than the one checked.
GENERATOR_VERSION=0.29.1
installed=$(python3 -m pip show openapi-python-client 2>/dev/null | sed -n 's/^Version: //p' || true)
if [ "$installed" != "$GENERATOR_VERSION" ]; then
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
        "openapi-python-client==$GENERATOR_VERSION"
fi
# What the generated package imports beyond the generator's own httpx and attrs.
python3 -c 'import dateutil' 2>/dev/null ||
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
        python-dateutil

source .ci/serve_suite.sh
tmp=$suite_tmp
fail() {
    echo "--- server log (last 40 lines)"
    tail -n 40 "$tmp/server.log" 2>/dev/null || true
    echo "client: FAILED, $1"
    exit 1
}
serve_suite "$tmp/server.log" KEFU_LOG=warn || fail "the suite did not start"
url=$gateway

curl -fsS "$url/openapi.json" -o "$tmp/openapi.json" || fail "no /openapi.json from the gateway"
mkdir "$tmp/client"
if ! openapi-python-client generate --path "$tmp/openapi.json" --meta none \
        --output-path "$tmp/client/kefu_client" --fail-on-warning >"$tmp/generate.log" 2>&1 ||
        grep -qE "(Warning|Error)\(s\) encountered" "$tmp/generate.log"; then
    cat "$tmp/generate.log"
    fail "openapi-python-client did not generate the client cleanly (see above)"
fi

# A skipped operation is the failure a third party would not notice: count them.
endpoints=$(find "$tmp/client/kefu_client/api" -name '*.py' ! -name '__init__.py' | wc -l)
operations=$(python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
print(sum(m in methods for item in doc["paths"].values() for m in item))' "$tmp/openapi.json")
[ "$endpoints" -eq "$operations" ] ||
    fail "generated $endpoints endpoint modules for $operations documented operations"

PYTHONPATH="$tmp/client" python3 .ci/client_scenario.py "$url" || fail "the scenario failed"
echo "client: OK, generated $endpoints endpoints" \
    "(openapi-python-client $GENERATOR_VERSION); scenario passed"
