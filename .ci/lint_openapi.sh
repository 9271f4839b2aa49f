#!/usr/bin/env bash
# Lints the committed openapi.json with Spectral and the ruleset in .spectral.yaml.
# Exits non-zero when any rule reports an error; warnings are printed but pass.
# Needs Node.js and npm (>= 20.17) and the npm registry; no cargo, no build.
set -euo pipefail
cd "$(dirname "$0")/.."

SPECTRAL_CLI=6.16.3
# The CLI accepts any @stoplight/spectral-rulesets >=1; pinned too so the spectral:oas rules stay put.
SPECTRAL_RULESETS=1.23.1
PREFIX="${KEFU_OASLINT_DIR:-$HOME/.cache/kefu-oaslint}"
bin="$PREFIX/node_modules/.bin/spectral"

installed() {  # prints the installed version of package $1, or nothing
    node -e 'try { console.log(require(process.argv[1] + "/package.json").version) } catch {}' \
        "$PREFIX/node_modules/$1"
}

if [ ! -x "$bin" ] || [ "$(installed @stoplight/spectral-cli)" != "$SPECTRAL_CLI" ] ||
    [ "$(installed @stoplight/spectral-rulesets)" != "$SPECTRAL_RULESETS" ]; then
    echo "installing @stoplight/spectral-cli@$SPECTRAL_CLI into $PREFIX"
    rm -rf "$PREFIX"
    mkdir -p "$PREFIX"
    # --ignore-scripts: Spectral needs none (its only one is a telemetry ping).
    npm install --prefix "$PREFIX" --save-exact --no-audit --no-fund --ignore-scripts --loglevel=error \
        "@stoplight/spectral-cli@$SPECTRAL_CLI" "@stoplight/spectral-rulesets@$SPECTRAL_RULESETS"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
"$bin" lint openapi.json --ruleset .spectral.yaml --fail-severity error \
    --format text --format json --output.text "$tmp/results.txt" --output.json "$tmp/results.json" ||
    status=$?
[ -f "$tmp/results.txt" ] && sed "s|^$PWD/||" "$tmp/results.txt"

# One line per rule: how many findings, at which severity, and where the first one is.
if [ -s "$tmp/results.json" ]; then
    node - "$tmp/results.json" <<'JS'
const results = require(process.argv[2]);
const names = ["error", "warning", "info", "hint"];
const rules = new Map();
for (const r of results) {
    const rule = rules.get(r.code) ?? { severity: names[r.severity], count: 0, first: r.path.join(".") };
    rule.count += 1;
    rules.set(r.code, rule);
}
console.log(`\nopenapi lint: ${results.length} finding(s) by rule:`);
for (const [code, r] of [...rules].sort((a, b) => b[1].count - a[1].count)) {
    console.log(`  ${String(r.count).padStart(5)} ${r.severity.padEnd(7)} ${code}  (first: ${r.first})`);
}
JS
fi
if [ "$status" -ne 0 ]; then
    echo "openapi lint: FAILED (spectral exit $status)" >&2
    exit "$status"
fi
echo "openapi lint: OK"
