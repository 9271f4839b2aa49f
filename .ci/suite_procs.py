"""Helpers shared by the CI scripts that run Kefu as separate processes
(split_run.py, reliability.py): starting, stopping and killing `kefu serve --service`
processes, HTTP calls, free ports, waiting for readiness, a tenant to act as, and a TCP
proxy the scripts can cut to simulate an outage of what is behind it.

Failures print `FAIL …` and exit 1 (SystemExit), so a script reads top to bottom as a
list of checks.
"""

import base64
import json
import os
import pathlib
import secrets
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import namedtuple

ROOT = pathlib.Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple 42"

Response = namedtuple("Response", "status kind body headers")


_REGISTRY = []


def services():
    """Every service of the registry (`kefu services`), in start order, without the
    gateway; the binary is the one a script was given (`use_binary`)."""
    if not _REGISTRY:
        fail("suite_procs.use_binary(path) was not called before services()")
    return list(_REGISTRY)


def use_binary(binary):
    """Reads the service registry from `binary` for `services()`."""
    listing = subprocess.run([binary, "services"], capture_output=True, text=True, check=True)
    names = [line.split()[0] for line in listing.stdout.splitlines() if line.strip()]
    _REGISTRY[:] = [name for name in names if name != "gateway"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(method, url, body=None, token=None, form=None, timeout=10):
    """One HTTP request as a Response; transport errors (refused, reset) raise OSError."""
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
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            status, head, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, head, raw = error.code, error.headers, error.read()
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode(errors="replace")
    return Response(status, head.get("content-type", ""), parsed, head)


def call(method, url, body=None, token=None, form=None, timeout=10):
    """(status, content type, parsed body or text) of one HTTP request."""
    return tuple(request(method, url, body, token, form, timeout)[:3])


def expect(what, status, wanted, body):
    if status != wanted:
        fail(f"{what}: expected {wanted}, got {status}: {body}")
    print(f"ok   {what} ({status})")
    return body


def fail(message):
    print(f"FAIL {message}", flush=True)
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


def psql(postgres, sql):
    # Without the notice that a database to drop "does not exist, skipping".
    env = {**os.environ, "PGOPTIONS": "-c client_min_messages=warning"}
    subprocess.run(
        ["psql", f"{postgres}/postgres", "-qtA", "-c", sql], check=True, stdout=subprocess.DEVNULL, env=env
    )


def sign_up(gateway, prefix):
    """A new tenant and its owner's access token (the owner holds every tenant scope)."""
    slug = f"{prefix}-{secrets.token_hex(4)}"
    email = f"owner@{slug}.example"
    status, _, body = call(
        "POST",
        f"{gateway}/api/v1/tenants",
        {
            "tenant": {"name": f"{prefix.title()} Centre", "slug": slug},
            "owner": {"name": "Sam", "email": email, "password": PASSWORD},
        },
    )
    expect("sign-up", status, 201, body)
    status, _, tokens = call(
        "POST",
        f"{gateway}/oauth/token",
        form={"grant_type": "password", "tenant": slug, "username": email, "password": PASSWORD},
    )
    return expect("log-in", status, 200, tokens)["access_token"]


class Suite:
    """The processes of one run: every service as `kefu serve --service <name>` on its own
    PostgreSQL database, talking over Kafka, and the gateway in front.

    `database_url(name)` gives each service's database URL (a script may route it through
    a proxy); `databases` names the databases to create and drop.
    """

    def __init__(self, binary, postgres, brokers, logs, prefix, log_level="info", extra_env=None):
        self.binary = binary
        use_binary(binary)
        self.postgres = postgres
        self.logs = pathlib.Path(logs)
        self.logs.mkdir(parents=True, exist_ok=True)
        self.ports = {name: free_port() for name in services() + ["gateway"]}
        self.gateway = f"http://127.0.0.1:{self.ports['gateway']}"
        self.databases = {name: f"{prefix}_{name}" for name in services()}
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
                "KEFU_LOG": log_level,
                "KEFU_GATEWAY_ADDR": f"127.0.0.1:{self.ports['gateway']}",
                "KEFU_GATEWAY_ROUTES": ",".join(
                    f"{name}=http://127.0.0.1:{self.ports[name]}" for name in services()
                ),
                # Every scenario comes from one IP here; the per-IP limit of public routes
                # (sign-up, log-in) is for the internet, not for one test runner.
                "KEFU_RATE_LIMIT_PUBLIC_PER_MINUTE": "6000",
            }
        )
        self.env.update(extra_env or {})
        for name in services():
            upper = name.upper()
            self.env[f"KEFU_{upper}_DATABASE_URL"] = self.database_url(name)
            self.env[f"KEFU_{upper}_ADDR"] = f"127.0.0.1:{self.ports[name]}"
        self.processes = {}

    def database_url(self, name):
        return f"{self.postgres}/{self.databases[name]}"

    def url(self, name):
        """The base URL of a service (or of the gateway), bypassing the gateway."""
        return f"http://127.0.0.1:{self.ports[name]}"

    def create_databases(self):
        for database in self.databases.values():
            psql(self.postgres, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            psql(self.postgres, f'CREATE DATABASE "{database}"')

    def drop_databases(self):
        for database in self.databases.values():
            psql(self.postgres, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def migrate(self):
        # Warnings only: each applied migration is an info line, hundreds in all.
        subprocess.run([self.binary, "migrate"], env={**self.env, "KEFU_LOG": "warn"}, check=True)

    def start(self, name, quiet=False, seconds=60):
        """Starts `name` and waits until its /readyz answers 200."""
        log = open(self.logs / f"{name}.log", "ab")
        process = subprocess.Popen(
            [self.binary, "serve", "--service", name], env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        self.processes[name] = process
        url = f"{self.url(name)}/readyz"

        def ready():
            if process.poll() is not None:
                self.dump(name)
                fail(f"{name} exited with {process.returncode}")
            try:
                return call("GET", url, timeout=2)[0] == 200
            except OSError:
                return False

        if quiet:
            deadline = time.monotonic() + seconds
            while not ready():
                if time.monotonic() > deadline:
                    fail(f"{name} not ready on {url} within {seconds} s")
                time.sleep(0.1)
        else:
            eventually(f"{name} ready on {url}", ready, seconds)

    def stop(self, name):
        process = self.processes.pop(name)
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        print(f"ok   {name} stopped")

    def kill(self, name):
        """SIGKILL: no graceful shutdown, whatever is in flight is cut."""
        process = self.processes.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait()

    def stop_all(self):
        for name in list(self.processes):
            self.stop(name)

    def dump(self, name):
        path = self.logs / f"{name}.log"
        if path.exists():
            print(f"--- last lines of {path}")
            print("\n".join(path.read_text(errors="replace").splitlines()[-40:]))


class TcpProxy:
    """A TCP forwarder from a local port to `target` that the test can cut and restore.

    Cut, it closes every connection it carries and refuses new ones (the listening socket
    is closed), as a dead host or a partitioned network that answers with resets would:
    clients see errors at once rather than hangs, which is what the product's timeouts
    are then measured against.
    """

    def __init__(self, target_port, port=None, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.port = port or free_port()
        self.lock = threading.Lock()
        self.connections = set()
        self.listener = None
        self.open()

    def open(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self):
        with self.lock:
            listener, self.listener = self.listener, None
            connections, self.connections = self.connections, set()
        if listener:
            _close(listener)
        for sock in connections:
            _close(sock)

    def restore(self):
        if self.listener is None:
            self.open()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self.lock:
                if self.listener is not listener:
                    _close(client)
                    _close(upstream)
                    continue
                self.connections.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source, sink):
        try:
            while True:
                chunk = source.recv(65536)
                if not chunk:
                    break
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            with self.lock:
                self.connections.discard(source)
                self.connections.discard(sink)
            _close(source)
            _close(sink)


def _close(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass
