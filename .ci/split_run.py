#!/usr/bin/env python3
"""The split-process run: every service as its own `kefu serve --service <name>` process
on PostgreSQL (a database each) and a Kafka-protocol broker, behind the gateway.

1. `kefu migrate`, then each service and the gateway, each waited for on `/readyz`;
2. the root end-to-end suite (`cargo test -p kefu-e2e`) against that gateway;
3. customers is stopped: the gateway answers 503 problem+json for its routes while
   accounts and tickets keep working; customers starts again and catches up on the
   ticket events it missed.

Usage: split_run.py KEFU_BINARY POSTGRES_URL KAFKA_BROKERS LOG_DIR
"""

import os
import subprocess
import sys
import time

from suite_procs import ROOT, Suite, call, eventually, expect, fail, services, sign_up, use_binary


def run_e2e(split, brokers):
    env = dict(os.environ)
    env["KEFU_E2E_GATEWAY_URL"] = split.gateway
    env["KEFU_E2E_KAFKA_BROKERS"] = brokers
    result = subprocess.run(["cargo", "test", "-p", "kefu-e2e"], env=env, cwd=ROOT)
    if result.returncode != 0:
        for name in list(split.processes):
            split.dump(name)
        fail("the end-to-end suite against the split processes")
    print("ok   the end-to-end suite against the split processes")


def outage(split):
    """Customers down: 503 problem+json for its routes, the rest works; then it catches up."""
    gw = split.gateway
    token = sign_up(gw, "split")
    status, _, customer = call(
        "POST", f"{gw}/api/v1/customers", {"kind": "organisation", "name": "Harbour Clinic"}, token
    )
    customer_id = expect("customer created", status, 201, customer)["id"]

    split.stop("customers")
    started = time.monotonic()
    status, kind, problem = call("GET", f"{gw}/api/v1/customers", token=token)
    took = time.monotonic() - started
    expect("customers' routes while it is down", status, 503, problem)
    if not kind.startswith("application/problem+json") or problem.get("code") != "service_unavailable":
        fail(f"503 is not a service_unavailable problem: {kind} {problem}")
    if took > 2:
        fail(f"the 503 took {took:.1f} s (more than 2 s)")
    print(f"ok   503 problem+json {problem['code']} in {took * 1000:.0f} ms")
    status, _, _ = call("GET", f"{gw}/api/v1/customers/{customer_id}/card", token=token)
    expect("a customer card while customers is down", status, 503, None)
    status, _, me = call("GET", f"{gw}/api/v1/users/me", token=token)
    expect("accounts while customers is down", status, 200, me)
    status, _, ticket = call(
        "POST",
        f"{gw}/api/v1/tickets",
        {"subject": "Autoclave fault", "channel": "phone", "customer_id": customer_id},
        token,
    )
    ticket = expect("tickets takes a ticket while customers is down", status, 201, ticket)
    at = f"{gw}/api/v1/tickets/{ticket['id']}"
    status, _, body = call("POST", f"{at}/comments", {"body": "Engineer booked for 14:00."}, token)
    expect("a reply while customers is down", status, 201, body)
    status, _, body = call("PATCH", at, {"status": "solved"}, token)
    expect("solved while customers is down", status, 200, body)
    status, _, health = call("GET", f"{gw}/readyz", token=None)
    expect("the gateway stays ready", status, 200, health)

    split.start("customers")
    wanted = {
        f"Ticket #{ticket['number']} opened: Autoclave fault",
        f"staff replied on ticket #{ticket['number']}: Autoclave fault",
        f"Ticket #{ticket['number']} solved: Autoclave fault",
    }

    def caught_up():
        status, _, page = call("GET", f"{gw}/api/v1/customers/{customer_id}/interactions", token=token)
        if status != 200:
            return False
        seen = {item["summary"] for item in page["items"]}
        return wanted <= seen

    eventually("customers caught up on the ticket events it missed", caught_up)
    status, _, card = call("GET", f"{gw}/api/v1/customers/{customer_id}/card", token=token)
    card = expect("the customer card after the restart", status, 200, card)
    if card["tickets"]["open"] != 0:
        fail(f"the card still counts the solved ticket as open: {card['tickets']}")


def main():
    binary, postgres, brokers, logs = sys.argv[1:5]
    use_binary(binary)
    split = Suite(binary, postgres.rstrip("/"), brokers, logs, prefix="kefu_split")
    started = time.monotonic()
    try:
        split.create_databases()
        split.migrate()
        for name in services() + ["gateway"]:
            split.start(name)
        print(f"ok   {len(split.processes)} processes up in {time.monotonic() - started:.0f} s")
        run_e2e(split, brokers)
        outage(split)
    finally:
        split.stop_all()
    print(f"split-process run passed in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
