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

import base64
import json
import os
import pathlib
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple 42"


def services():
    """Every service of the workspace: `services/*` but the binary and the gateway."""
    return sorted(
        p.name
        for p in (ROOT / "services").iterdir()
        if (p / "Cargo.toml").exists() and p.name not in ("kefu", "gateway")
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(method, url, body=None, token=None, form=None, timeout=10):
    """(status, content type, parsed body or text) of one HTTP request."""
    headers = {}
    data = None
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["content-type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body).encode()
        headers["content-type"] = "application/json"
    if token:
        headers["authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, kind, raw = response.status, response.headers.get("content-type", ""), response.read()
    except urllib.error.HTTPError as error:
        status, kind, raw = error.code, error.headers.get("content-type", ""), error.read()
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode(errors="replace")
    return status, kind, parsed


def expect(what, status, wanted, body):
    if status != wanted:
        fail(f"{what}: expected {wanted}, got {status}: {body}")
    print(f"ok   {what} ({status})")
    return body


def fail(message):
    print(f"FAIL {message}")
    raise SystemExit(1)


def eventually(what, attempt, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = attempt()
        if value:
            print(f"ok   {what}")
            return value
        time.sleep(0.25)
    fail(f"{what}: not within {seconds} s")


class Split:
    """The processes of one split run."""

    def __init__(self, binary, postgres, brokers, logs):
        self.binary = binary
        self.logs = pathlib.Path(logs)
        self.logs.mkdir(parents=True, exist_ok=True)
        self.ports = {name: free_port() for name in services() + ["gateway"]}
        self.gateway = f"http://127.0.0.1:{self.ports['gateway']}"
        data = self.logs / "data"
        data.mkdir(exist_ok=True)
        self.env = dict(os.environ)
        self.env.update(
            {
                "KEFU_BUS": "kafka",
                "KEFU_KAFKA_BROKERS": brokers,
                "KEFU_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
                "KEFU_PUBLIC_URL": self.gateway,
                "KEFU_JWKS_URL": f"http://127.0.0.1:{self.ports['accounts']}/.well-known/jwks.json",
                "KEFU_DATA_DIR": str(data),
                "KEFU_LOG": "info",
                "KEFU_GATEWAY_ADDR": f"127.0.0.1:{self.ports['gateway']}",
                "KEFU_GATEWAY_ROUTES": ",".join(
                    f"{name}=http://127.0.0.1:{self.ports[name]}" for name in services()
                ),
                # Every scenario comes from one IP here; the per-IP limit of public routes
                # (sign-up, log-in) is for the internet, not for one test runner.
                "KEFU_RATE_LIMIT_PUBLIC_PER_MINUTE": "6000",
            }
        )
        for name in services():
            upper = name.upper()
            self.env[f"KEFU_{upper}_DATABASE_URL"] = f"{postgres}/kefu_split_{name}"
            self.env[f"KEFU_{upper}_ADDR"] = f"127.0.0.1:{self.ports[name]}"
        self.postgres = postgres
        self.processes = {}

    def create_databases(self):
        for name in services():
            for sql in (
                f'DROP DATABASE IF EXISTS "kefu_split_{name}" WITH (FORCE)',
                f'CREATE DATABASE "kefu_split_{name}"',
            ):
                subprocess.run(
                    ["psql", f"{self.postgres}/postgres", "-qtA", "-c", sql],
                    check=True,
                    stdout=subprocess.DEVNULL,
                )

    def migrate(self):
        # Warnings only: each applied migration is an info line, hundreds in all.
        subprocess.run([self.binary, "migrate"], env={**self.env, "KEFU_LOG": "warn"}, check=True)

    def start(self, name):
        log = open(self.logs / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            [self.binary, "serve", "--service", name],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{self.ports[name]}/readyz"

        def ready():
            if self.processes[name].poll() is not None:
                self.dump(name)
                fail(f"{name} exited with {self.processes[name].returncode}")
            try:
                return call("GET", url, timeout=2)[0] == 200
            except OSError:
                return False

        eventually(f"{name} ready on {url}", ready)

    def stop(self, name):
        process = self.processes.pop(name)
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        print(f"ok   {name} stopped")

    def stop_all(self):
        for name in list(self.processes):
            self.stop(name)

    def dump(self, name):
        path = self.logs / f"{name}.log"
        if path.exists():
            print(f"--- last lines of {path}")
            print("\n".join(path.read_text(errors="replace").splitlines()[-40:]))


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
    slug = f"split-{secrets.token_hex(4)}"
    status, _, _ = call(
        "POST",
        f"{gw}/api/v1/tenants",
        {
            "tenant": {"name": "Split Centre", "slug": slug},
            "owner": {"name": "Sam", "email": "sam@split.example", "password": PASSWORD},
        },
    )
    expect("sign-up", status, 201, None)
    status, _, tokens = call(
        "POST",
        f"{gw}/oauth/token",
        form={"grant_type": "password", "tenant": slug, "username": "sam@split.example", "password": PASSWORD},
    )
    token = expect("log-in", status, 200, tokens)["access_token"]
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
    split = Split(binary, postgres.rstrip("/"), brokers, logs)
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
