#!/usr/bin/env python3
"""The reliability suite (QUALITY.md, checks 5, 6 and 7), on every service of the
workspace run as its own process on PostgreSQL and a tansu Kafka broker this script
starts itself. Each service's database and the broker sit behind a TCP proxy the script
can cut, so an outage is a real one for the product and never touches the shared server.

1. No lost writes (5): a burst of ticket creates through the gateway from several
   threads while tickets (the writer and its outbox relay) and customers (a consumer of
   ticket events) are SIGKILLed and restarted several times. Some requests must have been
   cut off, or the test proved nothing. Afterwards every 2xx'd create is stored, the
   tickets stored are exactly those with a `ticket.created` event on the topic (no event
   for a create that did not commit, one event each), and customers recorded exactly one
   "opened" interaction per ticket and counts them all open on the card. (tansu 0.6 can
   strand a consumer group after its members were killed; customers is then restarted
   once, cleanly, and says so with a `note` line: see converge_customers.)
2. Broker outage (6): with the broker cut, ticket creates still succeed, every service's
   /readyz reports the bus down (degraded, still 200: the bus is not critical), nothing
   reaches customers; once restored, the outboxes drain and customers gets every event
   (with the same fallback for a group tansu stranded when the dead sessions rejoin).
3. Database outage (7), for each service in turn: its list routes answer 503
   problem+json with Retry-After through the gateway within 2 s, its /healthz stays 200
   and its /readyz goes 503, the other services keep answering; restored, it recovers
   by itself (same process).

Usage: reliability.py KEFU_BINARY POSTGRES_URL TANSU_BINARY LOG_DIR
"""

import json
import pathlib
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict

from suite_procs import (
    Suite,
    TcpProxy,
    call,
    eventually,
    expect,
    fail,
    free_port,
    request,
    services,
    sign_up,
    use_binary,
)

WORKERS = 6
KILL_ROUNDS = 3
CONVERGE_SECS = 90
# No new effect for this long after the kills: the consumer group is stuck (see converge_customers).
STALL_SECS = 15
OUTAGE_TICKETS = 10
DB_BUDGET_SECS = 2.0
# Plenty for one test runner: the limits are the abuse check's business, not this one's.
UNLIMITED = {
    "KEFU_RATE_LIMIT_PLANS": "free=1000000,standard=1000000,enterprise=1000000",
    "KEFU_RATE_LIMIT_PER_MINUTE": "1000000",
}
# Debug level, as the secrets check of the logs wants, without the per-frame chatter of
# the HTTP and Kafka client libraries that would make the logs huge and the run slow.
LOG_LEVEL = "debug,h2=info,hyper=info,hyper_util=info,reqwest=info,rdkafka=info,tower=info"


class Broker:
    """tansu behind a TCP proxy; tansu advertises the proxy, so no client bypasses it."""

    def __init__(self, tansu, logs):
        self.proxy_port = free_port()
        self.port = free_port()
        self.out = open(logs / "tansu.out", "ab")
        self.process = subprocess.Popen(
            [
                tansu,
                "broker",
                "--listener-url",
                f"tcp://127.0.0.1:{self.port}",
                "--advertised-listener-url",
                f"tcp://127.0.0.1:{self.proxy_port}",
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=self.out,
            stderr=subprocess.STDOUT,
        )
        self.proxy = TcpProxy(self.port, port=self.proxy_port)
        self.brokers = f"127.0.0.1:{self.proxy_port}"
        eventually(f"tansu on 127.0.0.1:{self.port}", self.listening, 30)

    def listening(self):
        if self.process.poll() is not None:
            fail(f"tansu exited with {self.process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def stop(self):
        self.proxy.cut()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.out.close()


class ReliabilitySuite(Suite):
    """The split processes with each service's database behind its own proxy."""

    def __init__(self, binary, postgres, brokers, logs):
        server = urllib.parse.urlsplit(postgres)
        self.db_proxies = {name: TcpProxy(server.port or 5432, target_host=server.hostname) for name in services()}
        self.netloc = server.netloc
        prefix = f"kefu_rel_{secrets.token_hex(4)}"
        super().__init__(binary, postgres, brokers, logs, prefix, LOG_LEVEL, UNLIMITED)

    def database_url(self, name):
        host = self.netloc.rsplit("@", 1)
        user = f"{host[0]}@" if len(host) == 2 else ""
        return f"postgres://{user}127.0.0.1:{self.db_proxies[name].port}/{self.databases[name]}"


# --- the API, through the gateway ---------------------------------------------------


def create_ticket(gw, token, customer_id, subject):
    return request(
        "POST",
        f"{gw}/api/v1/tickets",
        {"subject": subject, "channel": "phone", "customer_id": customer_id},
        token,
        timeout=15,
    )


def pages(url, token):
    """Every item of a keyset-paged list."""
    items, cursor = [], None
    while True:
        query = "limit=200" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        sep = "&" if "?" in url else "?"
        status, _, page = call("GET", f"{url}{sep}{query}", token=token)
        if status != 200:
            return None
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return items


def stored_tickets(gw, token, customer_id):
    items = pages(f"{gw}/api/v1/tickets?customer_id={customer_id}", token)
    if items is None:
        fail("listing the customer's tickets")
    ids = Counter(item["id"] for item in items)
    if max(ids.values(), default=1) > 1:
        fail(f"the ticket list repeats ids: {[i for i, n in ids.items() if n > 1]}")
    return set(ids)


def opened_interactions(gw, token, customer_id):
    """ticket id → how many "opened" interactions customers recorded for it."""
    items = pages(f"{gw}/api/v1/customers/{customer_id}/interactions", token)
    if items is None:
        return None
    return Counter(
        i["ticket_id"] for i in items if i["source"] == "ticket" and " opened: " in i["summary"]
    )


def open_on_card(gw, token, customer_id):
    status, _, card = call("GET", f"{gw}/api/v1/customers/{customer_id}/card", token=token)
    return card["tickets"]["open"] if status == 200 else None


def created_events(brokers, customer_id):
    """ticket id → envelope ids of the `ticket.created` events for the customer on the
    tickets topic, read from the beginning until every partition reports its end."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition

    topic = "kefu.tickets"
    consumer = Consumer(
        {
            "bootstrap.servers": brokers,
            "group.id": f"reliability-{secrets.token_hex(4)}",
            "enable.auto.commit": False,
            "enable.partition.eof": True,
        }
    )
    events = defaultdict(list)
    try:
        # Read to the end-of-partition signal, not to the high watermark: tansu 0.6
        # reports the base offset of the last batch + 1, short of the batch's last records.
        pending = set(consumer.list_topics(topic, timeout=10).topics[topic].partitions)
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in pending])
        deadline = time.monotonic() + 60
        while pending and time.monotonic() < deadline:
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error():
                if message.error().code() == KafkaError._PARTITION_EOF:
                    pending.discard(message.partition())
                    continue
                fail(f"reading {topic}: {message.error()}")
            envelope = json.loads(message.value())
            data = envelope.get("data") or {}
            if envelope.get("type") == "ticket.created" and data.get("customer_id") == customer_id:
                events[data["ticket_id"]].append(envelope["id"])
        if pending:
            fail(f"reading {topic}: partitions {sorted(pending)} not read to their end in 60 s")
    finally:
        consumer.close()
    return events


def new_customer(gw, token, name):
    # Across processes customers learns the tenant from its `tenant.created` event, which
    # can trail the sign-up answer.
    def created():
        status, _, body = call("POST", f"{gw}/api/v1/customers", {"kind": "organisation", "name": name}, token)
        return body["id"] if status == 201 else None

    return eventually(f"customer {name} created", created, 30)


# --- 1. kill test -----------------------------------------------------------------


class Burst:
    """Threads creating tickets until stopped, each outcome recorded."""

    def __init__(self, gw, token, customer_id):
        self.gw, self.token, self.customer_id = gw, token, customer_id
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.created = []  # ids answered 2xx
        self.cut = Counter()  # requests cut off, by how
        self.other = []  # anything else: a product bug
        self.threads = [threading.Thread(target=self.work, args=(n,)) for n in range(WORKERS)]

    def start(self):
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join()

    def work(self, worker):
        n = 0
        while not self.stopping.is_set():
            n += 1
            outcome = self.one(f"Burst {worker}-{n}")
            with self.lock:
                kind, value = outcome
                if kind == "created":
                    self.created.append(value)
                elif kind == "cut":
                    self.cut[value] += 1
                else:
                    self.other.append(value)
            if kind == "cut":
                time.sleep(0.05)  # don't spin on a refused connection

    def one(self, subject):
        try:
            answer = create_ticket(self.gw, self.token, self.customer_id, subject)
        except OSError as error:
            return "cut", f"connection: {type(error).__name__}"
        if 200 <= answer.status < 300:
            return "created", answer.body["id"]
        if answer.status in (502, 503):
            return "cut", str(answer.status)
        return "other", f"{answer.status} {answer.body}"


class Killer(threading.Thread):
    """SIGKILLs tickets and customers in turn, restarting each, while the burst runs."""

    def __init__(self, suite):
        super().__init__()
        self.suite = suite
        self.kills = Counter()
        self.error = None

    def run(self):
        try:
            for _ in range(KILL_ROUNDS):
                for name, down in (("tickets", 0.3), ("customers", 0.3)):
                    time.sleep(1.5)
                    self.suite.kill(name)
                    self.kills[name] += 1
                    time.sleep(down)
                    self.suite.start(name, quiet=True)
        except BaseException as error:  # noqa: B036 - re-raised by the main thread
            self.error = error


def kill_test(suite, broker, token):
    gw = suite.gateway
    customer_id = new_customer(gw, token, "Kill Test Clinic")
    burst = Burst(gw, token, customer_id)
    killer = Killer(suite)
    started = time.monotonic()
    burst.start()
    killer.start()
    killer.join()
    time.sleep(1.0)  # some creates against the recovered processes
    burst.stop()
    if killer.error:
        raise killer.error
    took = time.monotonic() - started
    cut = sum(burst.cut.values())
    print(
        f"ok   burst of {len(burst.created) + cut + len(burst.other)} creates in {took:.0f} s from "
        f"{WORKERS} threads: {len(burst.created)} created, {cut} cut off {dict(burst.cut)}, "
        f"kills {dict(killer.kills)}"
    )
    if burst.other:
        fail(f"{len(burst.other)} creates answered neither 2xx nor 502/503: {burst.other[:5]}")
    if cut == 0:
        fail("no request was cut off by the kills: the test proved nothing")
    if not burst.created:
        fail("no create succeeded")
    check_no_lost_writes(suite, broker, token, customer_id, burst.created)
    return customer_id


def check_no_lost_writes(suite, broker, token, customer_id, created):
    gw = suite.gateway
    stored = stored_tickets(gw, token, customer_id)
    lost = set(created) - stored
    if lost:
        fail(f"{len(lost)} creates answered 2xx are not in the list: {sorted(lost)[:5]}")
    for ticket_id in created:
        status, _, body = call("GET", f"{gw}/api/v1/tickets/{ticket_id}", token=token)
        if status != 200:
            fail(f"ticket {ticket_id} answered 2xx on create, GET: {status} {body}")
    print(f"ok   every one of {len(created)} 2xx'd creates is stored ({len(stored)} tickets in all)")
    converge_events(broker, customer_id, stored)

    converge_customers(gw, token, customer_id, stored, restart_customers(suite, broker, customer_id, stored))


def restart_customers(suite, broker, customer_id, stored):
    """The fallback for a stranded consumer group (see converge_customers): first says
    whether every event is on the topic, so that a relay that stopped publishing is told
    apart from a consumer that stopped reading, then restarts customers cleanly."""

    def restart():
        missing = stored - set(created_events(broker.brokers, customer_id))
        if missing:
            fail(f"customers stalled and {len(missing)} of {len(stored)} tickets have no ticket.created on the topic: the relay stopped, not the consumer")
        print(f"note every one of {len(stored)} tickets is on the topic: the consumer stopped reading")
        suite.stop("customers")
        suite.start("customers")

    return restart


def converge_events(broker, customer_id, stored):
    """The topic holds one `ticket.created` per stored ticket and none for anything else."""
    started = time.monotonic()
    seen = {}

    def all_published():
        seen.update(events=created_events(broker.brokers, customer_id))
        return set(seen["events"]) >= stored

    if not wait_for(all_published, CONVERGE_SECS):
        missing = stored - set(seen["events"])
        fail(f"{len(missing)} of {len(stored)} stored tickets have no ticket.created on the topic: {sorted(missing)[:5]}")
    events = seen["events"]
    ghosts = set(events) - stored
    if ghosts:
        fail(f"ticket.created events for tickets that are not stored: {sorted(ghosts)[:5]}")
    twice = {t: ids for t, ids in events.items() if len(set(ids)) > 1}
    if twice:
        fail(f"tickets with more than one distinct ticket.created event: {list(twice.items())[:3]}")
    # The relay is at-least-once: a kill between the broker's ack and marking the rows
    # published sends the same envelope again, which consumers drop by its id.
    resent = sum(len(ids) - 1 for ids in events.values())
    print(
        f"ok   topic: {len(events)} ticket.created events = {len(stored)} stored tickets, one each "
        f"({resent} re-sent copies of the same envelope) in {time.monotonic() - started:.1f} s"
    )


def wait_for(attempt, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if attempt():
            return True
        time.sleep(0.5)
    return False


def converge_customers(gw, token, customer_id, stored, restart=None):
    """Customers' view: exactly one "opened" interaction per ticket, all open on the card.

    `restart`, when given, restarts customers once if it stops making progress: tansu
    0.6 can leave the one live member of a consumer group with no partitions for good
    when it joined while members that died without leaving were still in the group (seen
    with plain librdkafka consumers too; its DescribeGroups answers no members, so the
    state cannot be asked). Kafka rebalances when a dead member's session expires. The
    clean restart, once the dead sessions are over, lets the group form again; the events
    it then redelivers are still checked for exactly-once effects.
    """
    started = time.monotonic()
    deadline = started + CONVERGE_SECS
    progress, last_count = started, -1
    opened = None
    while time.monotonic() < deadline:
        opened = opened_interactions(gw, token, customer_id)
        if opened is not None and set(opened) >= stored:
            break
        count = len(opened or {})
        if count != last_count:
            progress, last_count = time.monotonic(), count
        if restart and time.monotonic() - progress > STALL_SECS:
            print(f"note customers stalled at {count} of {len(stored)} tickets for {STALL_SECS} s (tansu); restarting it once, cleanly")
            restart()
            restart, progress = None, time.monotonic()
        time.sleep(0.5)
    else:
        missing = stored - set(opened or {})
        fail(f"customers has not recorded {len(missing)} of {len(stored)} tickets: {sorted(missing)[:5]}")
    print("ok   customers recorded every ticket")
    extra = set(opened) - stored
    if extra:
        fail(f"customers recorded tickets that are not stored: {sorted(extra)[:5]}")
    doubled = {t: n for t, n in opened.items() if n != 1}
    if doubled:
        fail(f"customers recorded a ticket's opening more than once: {list(doubled.items())[:5]}")
    card = open_on_card(gw, token, customer_id)
    if card != len(stored):
        fail(f"the card counts {card} open tickets, {len(stored)} are stored")
    print(
        f"ok   customers: {len(opened)} opened interactions, one per ticket, card open = {card} "
        f"(converged {time.monotonic() - started:.1f} s after the check began)"
    )


# --- 2. broker outage -------------------------------------------------------------


def readiness(suite, name):
    try:
        answer = request("GET", f"{suite.url(name)}/readyz", timeout=5)
    except OSError:
        return None, None
    return answer.status, answer.body


def bus_down_everywhere(suite):
    for name in services():
        status, body = readiness(suite, name)
        if not (status == 200 and body["status"] == "degraded" and body["checks"].get("bus") == "down"):
            return False
    return True


def bus_up_everywhere(suite):
    for name in services():
        status, body = readiness(suite, name)
        if not (status == 200 and body["status"] == "ready"):
            return False
    return True


def broker_outage(suite, broker, token, customer_id):
    gw = suite.gateway
    before = stored_tickets(gw, token, customer_id)
    broker.proxy.cut()
    cut_at = time.monotonic()
    eventually("every service's /readyz reports the bus down (200 degraded)", lambda: bus_down_everywhere(suite), 30)
    print(f"ok   readiness reported the broker down {time.monotonic() - cut_at:.1f} s after the cut")
    created, slowest = [], 0.0
    for n in range(OUTAGE_TICKETS):
        started = time.monotonic()
        answer = create_ticket(gw, token, customer_id, f"Outage {n}")
        slowest = max(slowest, time.monotonic() - started)
        expect(f"ticket create {n + 1} with the broker down", answer.status, 201, answer.body)
        created.append(answer.body["id"])
    print(f"ok   {OUTAGE_TICKETS} creates with the broker down, slowest {slowest * 1000:.0f} ms")
    time.sleep(3)
    opened = opened_interactions(gw, token, customer_id)
    if set(created) & set(opened or {}):
        fail("customers saw tickets created during the outage: the cut did not cut")
    print("ok   nothing reached customers during the outage")
    broker.proxy.restore()
    restored_at = time.monotonic()
    stored = before | set(created)

    # Members whose sessions expired during the cut rejoin the group once it is restored,
    # which can strand tansu's group as after the kills: the same fallback applies.
    converge_customers(gw, token, customer_id, stored, restart_customers(suite, broker, customer_id, stored))
    drain = time.monotonic() - restored_at
    print(f"ok   outbox drained and delivered {drain:.1f} s after the broker returned")
    eventually("every service's /readyz is ready again", lambda: bus_up_everywhere(suite), 30)
    converge_events(broker, customer_id, stored_tickets(gw, token, customer_id))
    return drain


# --- 3. database outage -----------------------------------------------------------


def list_routes(suite, name):
    """The service's GET routes without path or required query parameters, from its own
    OpenAPI document, so that a new service or route is covered without editing this."""
    status, _, document = call("GET", f"{suite.url(name)}/openapi.json")
    expect(f"{name}'s /openapi.json", status, 200, None)
    routes = []
    for path, operations in sorted(document["paths"].items()):
        get = operations.get("get")
        if not get or "{" in path or not path.startswith("/api/"):
            continue
        if any(p.get("required") for p in get.get("parameters", [])):
            continue
        routes.append(path)
    return routes


def working_routes(suite, token, name):
    """The list routes the owner's token gets a 200 from: the controls."""
    routes = [r for r in list_routes(suite, name) if call("GET", f"{suite.gateway}{r}", token=token)[0] == 200]
    if not routes:
        fail(f"{name}: no GET list route answers 200 to the owner; nothing to test its database outage with")
    return routes


def unavailable(suite, token, name, routes):
    """Every route answers 503 problem+json with Retry-After within the budget, or 200 when
    it is served without the database; returns the slowest 503's time."""
    slowest, refused = 0.0, 0
    for route in routes:
        started = time.monotonic()
        try:
            answer = request("GET", f"{suite.gateway}{route}", token=token, timeout=30)
        except OSError as error:
            fail(f"{name} database down: GET {route}: {error}")
        took = time.monotonic() - started
        if answer.status == 200:
            continue
        if answer.status != 503:
            fail(f"{name} database down: GET {route} answered {answer.status} {answer.body}")
        if not answer.kind.startswith("application/problem+json") or not answer.headers.get("retry-after"):
            fail(f"{name} database down: GET {route}: 503 without problem+json or Retry-After: {answer.kind}")
        if took > DB_BUDGET_SECS:
            fail(f"{name} database down: GET {route} took {took:.2f} s (budget {DB_BUDGET_SECS} s)")
        slowest, refused = max(slowest, took), refused + 1
    if refused == 0:
        fail(f"{name} database down: none of {routes} answered 503")
    print(f"ok   {name} database down: {refused}/{len(routes)} list routes 503 problem+json, Retry-After, slowest {slowest * 1000:.0f} ms")
    return slowest


def database_outage(suite, token):
    controls = {name: working_routes(suite, token, name) for name in services()}
    times = {}
    for name in services():
        pid = suite.processes[name].pid
        suite.db_proxies[name].cut()
        times[name] = unavailable(suite, token, name, controls[name])
        status, _, _ = call("GET", f"{suite.url(name)}/healthz")
        expect(f"{name}'s /healthz with its database down", status, 200, None)
        eventually(f"{name}'s /readyz is 503 with its database down", lambda: readiness(suite, name)[0] == 503, 10)
        for other in services():
            if other != name:
                status, _, body = call("GET", f"{suite.gateway}{controls[other][0]}", token=token)
                expect(f"{other} answers while {name}'s database is down", status, 200, body)
        suite.db_proxies[name].restore()
        restored = time.monotonic()

        def recovered():
            return readiness(suite, name)[0] == 200 and all(
                call("GET", f"{suite.gateway}{r}", token=token)[0] == 200 for r in controls[name]
            )

        eventually(f"{name} recovered by itself", recovered, 30)
        if suite.processes[name].poll() is not None or suite.processes[name].pid != pid:
            fail(f"{name} restarted during its database outage")
        print(f"ok   {name} recovered {time.monotonic() - restored:.1f} s after its database returned, same process")
    return times


def main():
    binary, postgres, tansu, logs = sys.argv[1:5]
    use_binary(binary)
    postgres = postgres.rstrip("/")
    started = time.monotonic()
    broker = suite = None
    try:
        pathlib.Path(logs).mkdir(parents=True, exist_ok=True)
        broker = Broker(tansu, pathlib.Path(logs))
        suite = ReliabilitySuite(binary, postgres, broker.brokers, logs)
        suite.create_databases()
        suite.migrate()
        for name in services() + ["gateway"]:
            suite.start(name)
        token = sign_up(suite.gateway, "reliability")
        customer_id = kill_test(suite, broker, token)
        drain = broker_outage(suite, broker, token, customer_id)
        times = database_outage(suite, token)
        print(
            f"reliability figures: broker outage drained in {drain:.1f} s; database outage 503 in "
            + ", ".join(f"{name} {t * 1000:.0f} ms" for name, t in times.items())
        )
    finally:
        if suite:
            suite.stop_all()
            for proxy in suite.db_proxies.values():
                proxy.cut()
            suite.drop_databases()
        if broker:
            broker.stop()
    print(f"reliability suite passed in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
