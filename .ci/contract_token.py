#!/usr/bin/env python3
"""Signs up a fresh tenant on GATEWAY and prints its owner's access token.

Usage: contract_token.py GATEWAY_URL
"""

import json
import secrets
import sys
import urllib.parse
import urllib.request

PASSWORD = "correct horse battery staple 42"


def post(url, data, content_type):
    request = urllib.request.Request(url, data=data, headers={"content-type": content_type})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def main():
    gateway = sys.argv[1]
    slug = f"contract-{secrets.token_hex(4)}"
    email = f"owner@{slug}.example"
    signup = {
        "tenant": {"name": "Contract Test", "slug": slug, "time_zone": "Europe/Berlin"},
        "owner": {"name": "Contract Owner", "email": email, "password": PASSWORD},
    }
    post(f"{gateway}/api/v1/tenants", json.dumps(signup).encode(), "application/json")
    form = {"grant_type": "password", "tenant": slug, "username": email, "password": PASSWORD}
    token = post(f"{gateway}/oauth/token", urllib.parse.urlencode(form).encode(),
                 "application/x-www-form-urlencoded")
    print(token["access_token"])


if __name__ == "__main__":
    main()
