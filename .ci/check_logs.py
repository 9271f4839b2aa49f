"""Fails if a debug-level test log is empty or contains a password, token or client secret."""
import pathlib
import re
import sys

# Secrets the tests use or mint: the fixture password, refresh/invitation/client
# secrets by prefix, and JWTs (three base64url parts starting with a JSON header).
PATTERNS = {
    "fixture password": re.compile(r"correct horse battery staple 42"),
    "refresh token": re.compile(r"kr_[A-Za-z0-9_-]{20,}"),
    "invitation token": re.compile(r"ki_[A-Za-z0-9_-]{20,}"),
    "client secret": re.compile(r"ks_[A-Za-z0-9_-]{20,}"),
    "JWT": re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+"),
    "argon2 hash": re.compile(r"\$argon2id\$"),
}

root = pathlib.Path(sys.argv[1])
files = sorted(root.rglob("*.log"))
if not files:
    sys.exit(f"no test logs under {root}: the check would prove nothing")
total = 0
failed = False
for path in files:
    text = path.read_text(errors="replace")
    total += len(text)
    for name, pattern in PATTERNS.items():
        match = pattern.search(text)
        if match:
            failed = True
            start = max(0, match.start() - 200)
            print(f"{path}: a {name} appears in the logs: ...{text[start:match.end() + 50]}...")
if total == 0:
    sys.exit("the test logs are empty: the check would prove nothing")
print(f"checked {len(files)} log files, {total} bytes: no secrets")
sys.exit(1 if failed else 0)
