#!/usr/bin/env bash
# Browser check (QUALITY.md "browser" layer): /docs loaded in headless Chromium
# renders the API, and no request the browser makes leaves the machine
# (PRODUCT.md: the docs work offline). Needs the debug binary (`cargo build -p kefu`).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

source .ci/serve_suite.sh
tmp=$suite_tmp
serve_suite "$tmp/kefu.log" || { echo "docs offline: FAILED, the suite did not start"; exit 1; }
base=$gateway
curl -sf "$base/openapi.json" >"$tmp/openapi.json"

# Chromium's own services call Google even with --disable-background-networking
# (Chromium 156, seen in the net-log): network time, autofill, the on-device AI
# model manifest (an on-demand component update, which --disable-component-update
# does not stop) and the sign-in cookie check. The first two are features we turn
# off, and so is the optimisation guide (Chromium 156.0.8078.114 asked
# optimizationguide-pa.googleapis.com for its models despite the manifest override); the manifest is read from an empty local folder; sign-in (Gaia) is pointed
# at a closed loopback port because no flag or profile pref tried switches it off.
mkdir -p "$tmp/profile" "$tmp/no-manifest"
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-features=NetworkTimeServiceQuerying,AutofillServerCommunication,OptimizationGuideModelDownloading,OptimizationHintsFetching,OptimizationTargetPrediction,OptimizationGuideOnDeviceModel,OptimizationHints \
    --optimization-guide-manifest-override="$tmp/no-manifest" --gaia-url=http://127.0.0.1:9 \
    --user-data-dir="$tmp/profile" --log-net-log="$tmp/net.json" --net-log-capture-mode=Default \
    --virtual-time-budget=10000 --dump-dom "$base/docs/" >"$tmp/dom.html" 2>"$tmp/chromium.err" ||
    { tail -20 "$tmp/chromium.err"; echo "docs offline: FAILED, chromium exited with an error"; exit 1; }

python3 - "$tmp/dom.html" "$tmp/net.json" "$tmp/openapi.json" <<'PY'
import collections, ipaddress, json, re, sys, urllib.parse

dom = open(sys.argv[1]).read()
doc = json.load(open(sys.argv[3]))
ops = sum(m in ("get", "put", "post", "delete", "patch") for item in doc["paths"].values() for m in item)
# The page's <title> is static; these exist only once Swagger UI has fetched
# /openapi.json and rendered it (one .opblock per operation).
rendered = len(re.findall(r'class="opblock opblock-', dom))
problems = []
if '<h2 class="title">Kefu API' not in dom or 'data-path="/api/v1/users/me"' not in dom:
    problems.append("Swagger UI did not render the API (no title block or /api/v1/users/me in the DOM)")
if rendered != ops:
    problems.append(f"rendered {rendered} operations, the document has {ops}")

text = open(sys.argv[2]).read()
try:
    log = json.loads(text)
except json.JSONDecodeError:  # a browser that did not exit cleanly leaves the log unterminated
    log = json.loads(text.rstrip().rstrip(",") + "]}")
types = {v: k for k, v in log["constants"]["logEventTypes"].items()}

def local(host):
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

requests, hosts, outside = 0, collections.Counter(), set()
udp_peer, udp_sent = {}, set()
for e in log["events"]:
    p, t, src = e.get("params") or {}, types.get(e["type"], ""), e["source"]["id"]
    seen = []
    for key in ("url", "location"):  # request URLs, redirects
        if isinstance(p.get(key), str):
            u = urllib.parse.urlsplit(p[key])
            if u.scheme not in ("data", "blob", "chrome", "about"):
                seen.append((u.hostname or "", p[key]))
    if t == "URL_REQUEST_START_JOB" and "url" in p:
        requests += 1
    if t.startswith("HOST_RESOLVER") and isinstance(p.get("host"), str):  # DNS lookups
        h = p["host"]
        seen.append((urllib.parse.urlsplit(h).hostname if "://" in h else h, "resolve " + h))
    if t == "TCP_CONNECT":
        for a in p.get("address_list", []) + [p.get("remote_address", "")]:
            if a:
                seen.append((a.rsplit(":", 1)[0], "tcp " + a))
    # UDP: only sockets that sent bytes count (Chromium's IPv6 probe connects, sends nothing).
    if t == "UDP_CONNECT" and "address" in p:
        udp_peer[src] = p["address"]
    if t == "UDP_BYTES_SENT":
        udp_sent.add(src)
    for host, what in seen:
        hosts[host] += 1
        if not local(host):
            outside.add(what[:160])
for src in udp_sent:
    if src in udp_peer and not local(udp_peer[src].rsplit(":", 1)[0]):
        outside.add("udp " + udp_peer[src])
if requests == 0:
    problems.append("the net-log has no requests: the check would prove nothing")
problems += [f"left the machine: {w}" for w in sorted(outside)]

for p in problems:
    print("  " + p)
summary = f"{rendered}/{ops} operations rendered; {requests} requests, hosts: {', '.join(sorted(hosts))}"
if problems:
    sys.exit(f"docs offline: FAILED; {summary}")
print(f"docs offline: OK, {summary}")
PY
