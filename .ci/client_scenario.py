#!/usr/bin/env python3
"""A customer-service day through a client generated from Kefu's /openapi.json.

Issue 7's contract: a third party runs openapi-python-client on the document and
gets a client that works without hand edits. This script is that third party. It
uses only the generated package `kefu_client` (no hand-written HTTP) to sign up a
tenant, log in with the password grant, create a customer, open a ticket for it,
reply, solve it and read the customer card; then it imports a CSV and round-trips
an attachment, the two endpoints whose media types once kept them out of the client.
Every step asserts on the typed result: if the document promised the wrong shape,
the generated model fails to parse or the field is not there.

Usage: client_scenario.py GATEWAY_URL   (with the generated `kefu_client` importable)
"""

import io
import secrets
import sys
import time

from kefu_client import AuthenticatedClient, Client
from kefu_client.api.auth import token
from kefu_client.api.customers import create_customer, customer_card, import_customers
from kefu_client.api.tenants import sign_up
from kefu_client.api.tickets import (
    add_comment,
    create_ticket,
    download_attachment,
    get_ticket,
    update_ticket,
    upload_attachment,
)
from kefu_client.models import (
    AttachmentView,
    CommentView,
    CustomerCard,
    CustomerView,
    ImportReport,
    Kind,
    NewCommentBody,
    NewCustomerBody,
    NewOwnerBody,
    NewTenantBody,
    NewTicketBody,
    Priority,
    SignUpBody,
    SignUpResponse,
    Status,
    TicketPatch,
    TicketType,
    TicketView,
    TokenForm,
    TokenResponse,
)
from kefu_client.types import File

PASSWORD = "a long and unusual passphrase 7"
# Events reach the customers service's ticket projection asynchronously.
CARD_WAIT_SECS = 15
# A PNG signature: the server sniffs image/png, a type only the `*/*` entry covers.
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


def check(what, response, status, model):
    """The parsed body of `response`, after checking its status and its type."""
    if response.status_code != status or not isinstance(response.parsed, model):
        sys.exit(f"FAIL {what}: expected {status} {model.__name__}, got "
                 f"{int(response.status_code)} {response.content[:500]!r}")
    print(f"ok   {what} ({int(response.status_code)})")
    return response.parsed


def sign_up_tenant(public, slug, email):
    body = SignUpBody(
        tenant=NewTenantBody(name="Client Contract Centre", slug=slug, time_zone="Asia/Shanghai"),
        owner=NewOwnerBody(name="Wang Fang", email=email, password=PASSWORD),
    )
    signed = check("sign up a tenant", sign_up.sync_detailed(client=public, body=body),
                   201, SignUpResponse)
    assert signed.tenant.slug == slug, signed.tenant
    assert signed.owner.email == email and "owner" in signed.owner.roles, signed.owner


def log_in(public, slug, email):
    """An access token from the RFC 6749 password grant (a form, not JSON)."""
    form = TokenForm(grant_type="password", tenant=slug, username=email, password=PASSWORD)
    granted = check("log in (password grant)", token.sync_detailed(client=public, body=form),
                    200, TokenResponse)
    assert granted.token_type == "Bearer" and granted.expires_in > 0, granted
    return granted.access_token


def new_customer(api):
    body = NewCustomerBody(kind=Kind.ORGANISATION, name="Acme Hospital", region="East",
                           tags=["hospital"])
    customer = check("create a customer", create_customer.sync_detailed(client=api, body=body),
                     201, CustomerView)
    assert customer.name == "Acme Hospital" and customer.kind == "organisation", customer
    return customer


def new_ticket(api, customer_id):
    body = NewTicketBody(subject="Printer prints blank pages", description="Since this morning.",
                         customer_id=customer_id, type_=TicketType.INCIDENT, priority=Priority.HIGH)
    ticket = check("create a ticket", create_ticket.sync_detailed(client=api, body=body),
                   201, TicketView)
    assert ticket.customer_id == customer_id and ticket.status == "new", ticket
    assert ticket.number >= 1 and ticket.type_ == "incident", ticket
    return ticket


def reply(api, ticket_id):
    body = NewCommentBody(body="Could you send a photo of the printed page?", public=True)
    comment = check("reply to the ticket",
                    add_comment.sync_detailed(ticket_id, client=api, body=body), 201, CommentView)
    assert comment.public and comment.author_kind == "staff", comment
    ticket = check("read the ticket", get_ticket.sync_detailed(ticket_id, client=api),
                   200, TicketView)
    assert ticket.first_response_at, "a public staff reply stamps first_response_at"
    return ticket


def solve(api, ticket):
    """Solves under If-Match, the version the last read returned."""
    solved = check("solve the ticket",
                   update_ticket.sync_detailed(ticket.id, client=api,
                                               body=TicketPatch(status=Status.SOLVED),
                                               if_match=f'"{ticket.version}"'),
                   200, TicketView)
    assert solved.status == "solved" and solved.solved_at, solved
    assert solved.version > ticket.version, solved


def card_until(api, customer_id, what, done):
    """The customer card once `done(card)` holds (ticket events arrive asynchronously)."""
    deadline = time.monotonic() + CARD_WAIT_SECS
    while True:
        card = check(f"read the customer card ({what})",
                     customer_card.sync_detailed(customer_id, client=api), 200, CustomerCard)
        if done(card):
            return card
        if time.monotonic() > deadline:
            sys.exit(f"FAIL customer card: not {what} after {CARD_WAIT_SECS}s: {card.tickets}")
        time.sleep(0.5)


def import_csv(api):
    csv = (b"external_id,kind,name,region\n"
           b"ERP-1,organisation,Beta Clinic,North\n"
           b"ERP-2,martian,Bad Row,\n")
    report = check("import customers (CSV)",
                   import_customers.sync_detailed(client=api, body=File(payload=io.BytesIO(csv))),
                   200, ImportReport)
    assert report.created == 1 and report.already_imported == 0, report
    assert [r.line for r in report.rejected] == [3], report.rejected


def attachment_round_trip(api, ticket_id):
    uploaded = check("upload an attachment",
                     upload_attachment.sync_detailed(ticket_id, client=api, filename="page.png",
                                                     body=File(payload=io.BytesIO(PNG_BYTES))),
                     201, AttachmentView)
    assert uploaded.content_type == "image/png" and uploaded.size == len(PNG_BYTES), uploaded
    downloaded = check("download the attachment",
                       download_attachment.sync_detailed(ticket_id, uploaded.id, client=api),
                       200, File)
    assert downloaded.payload.read() == PNG_BYTES, "the download differs from the upload"


def main():
    base_url = sys.argv[1]
    slug = f"client-{secrets.token_hex(4)}"
    email = f"wang.fang@{slug}.example"
    # Fail loudly on a status the document does not declare, rather than get None.
    public = Client(base_url=base_url, raise_on_unexpected_status=True)
    sign_up_tenant(public, slug, email)
    api = AuthenticatedClient(base_url=base_url, token=log_in(public, slug, email),
                              raise_on_unexpected_status=True)

    customer = new_customer(api)
    ticket = new_ticket(api, customer.id)
    card_until(api, customer.id, "listing the open ticket",
               lambda c: [t.ticket_id for t in c.tickets.items] == [ticket.id])
    ticket = reply(api, ticket.id)
    solve(api, ticket)
    card = card_until(api, customer.id, "without the solved ticket", lambda c: c.tickets.open_ == 0)
    assert card.customer.id == customer.id and card.customer.name == customer.name, card.customer
    assert card.tickets.items == [] and card.tickets.open_complaints == 0, card.tickets

    import_csv(api)
    attachment_round_trip(api, ticket.id)
    print("scenario passed")


if __name__ == "__main__":
    main()
