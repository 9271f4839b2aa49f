#!/usr/bin/env bash
# Contract check of the merged OpenAPI document (QUALITY.md "contract" layer):
# valid OpenAPI 3.1, and every operation documents what PRODUCT.md §5 promises
# (scope, success schema, problem+json errors, request examples).
# Needs the debug binary (`cargo build -p kefu`); no database, no network.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kefu-target}"

python3 -c 'import openapi_spec_validator' 2>/dev/null ||
    python3 -m pip install --quiet --root-user-action=ignore openapi-spec-validator

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A data dir that does not exist: proves `kefu openapi` needs no database or key.
KEFU_DATA_DIR="$tmp/no-data" "$CARGO_TARGET_DIR/debug/kefu" openapi >"$tmp/doc.json"

python3 - "$tmp/doc.json" <<'PY'
import json, sys
from openapi_spec_validator import OpenAPIV31SpecValidator

doc = json.load(open(sys.argv[1]))
schemas = doc.get("components", {}).get("schemas", {})
problems = []

# The validator raises (rather than reports) on a $ref to a missing schema, and
# then says nothing about where it is used: list those first, with their place.
def dangling(node, where):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/") \
                and ref.rsplit("/", 1)[1] not in schemas:
            problems.append(f"{where}: $ref {ref} names no schema in components.schemas")
        for k, v in node.items():
            dangling(v, f"{where}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            dangling(v, f"{where}/{i}")
dangling(doc, "#")
# Generators name client methods by operationId (utoipa takes the fn name, so
# two handlers with one name in two modules collide).
seen_ids = {}
for path, item in doc.get("paths", {}).items():
    for method, op in item.items():
        if isinstance(op, dict) and "operationId" in op:
            name = f"{method.upper()} {path}"
            if op["operationId"] in seen_ids:
                problems.append(f"{name}: operationId '{op['operationId']}' also used by {seen_ids[op['operationId']]}")
            seen_ids.setdefault(op["operationId"], name)

try:
    for err in OpenAPIV31SpecValidator(doc).iter_errors():
        at = "/".join(str(p) for p in getattr(err, "absolute_path", []))
        problems.append(f"OpenAPI 3.1: {err.message}" + (f" at #/{at}" if at else ""))
except Exception as e:  # a broken reference stops the validator; the listing above says where
    problems.append(f"OpenAPI 3.1 validator stopped: {type(e).__name__}: {str(e).split(' within ')[0][:300]}")

def resolve(s):
    seen = set()
    while isinstance(s, dict) and "$ref" in s and s["$ref"] not in seen:
        seen.add(s["$ref"])
        s = schemas.get(s["$ref"].rsplit("/", 1)[1], {})
    return s

# RFC 6749 errors on the token endpoint; JWKS is a public key set with no error body.
NOT_PROBLEM_JSON = {"/oauth/token", "/.well-known/jwks.json"}
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
ops = bodies = with_example = public = 0
for path, item in doc.get("paths", {}).items():
    for method, op in item.items():
        if method not in METHODS:
            continue
        ops += 1
        name = f"{method.upper()} {path}"
        security = op.get("security", doc.get("security"))
        if not security:
            problems.append(f"{name}: no security entry (a scope, or [{{}}] for public)")
        elif security == [{}]:
            public += 1
        responses = op.get("responses", {})
        ok = {c: r for c, r in responses.items() if c.startswith("2")}
        if not ok:
            problems.append(f"{name}: no 2xx response")
        for code, r in ok.items():
            # JSON normally; a file download documents its own media type instead.
            content = r.get("content") or {}
            if code not in ("202", "204") and not any("schema" in m for m in content.values()):
                problems.append(f"{name}: {code} has no response schema")
        if path not in NOT_PROBLEM_JSON:
            errors = {c: r for c, r in responses.items() if c.startswith("4")}
            if not errors:
                problems.append(f"{name}: no 4xx response")
            for code, r in errors.items():
                if "schema" not in (r.get("content") or {}).get("application/problem+json", {}):
                    problems.append(f"{name}: {code} is not application/problem+json")
        media = (op.get("requestBody") or {}).get("content", {}).get("application/json")
        if media is not None:
            bodies += 1
            schema = resolve(media.get("schema", {}))
            if any(k in media or k in schema for k in ("example", "examples")):
                with_example += 1
            else:
                problems.append(f"{name}: JSON request body has no example (media type or schema)")

for p in problems:
    print("  " + p)
summary = (f"{ops} operations on {len(doc.get('paths', {}))} paths ({public} public), "
           f"{len(schemas)} schemas, {with_example}/{bodies} JSON bodies with an example")
if problems:
    sys.exit(f"openapi: FAILED, {len(problems)} problem(s); {summary}")
print(f"openapi: OK, valid OpenAPI {doc.get('openapi')}; {summary}")
PY
