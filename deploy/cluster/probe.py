#!/usr/bin/env python3
"""Request probes for the cluster's failure drills: bounded in time and count, one JSON line out.

  probe.py mixed  --base URL --tokens FILE --seconds S [--threads N]
      Each thread, as its own user, repeats: GET an article, POST a comment on it, DELETE
      that comment, PUT its bio, GET /api/user. A failure is any status >= 500 or a broken
      connection (4xx are counted apart: the drills expect none).
  probe.py writes --base URL --tokens FILE --seconds S
      Each 0.1 s one GET and one write (PUT bio) as one user, with timestamps: GETs answered
      200, writes by status, and the write outage: from the first failed write to the next
      write that succeeded (0 when none failed).
  probe.py login  --base URL[,URL...] --users user1,user2,... > tokens
      Logs each seeded user in (password load-test-password), spreading the logins over the
      URLs, waiting out 429s; prints one token a line, in the users' order.
  probe.py classify --base URL --tokens FILE
      GET /api/user once per token through the balancer; prints "host token" lines, the
      host being the balancer's X-Served-By header.
  probe.py pairs  --base URL --tokens FILE --count N
      N write-then-read pairs, users in turn: PUT a new bio, then GET /api/user at once; a
      read that does not show the bio just written is a read-your-writes violation.
"""
import argparse
import http.client
import json
import threading
import time
import urllib.parse
from collections import Counter


class Client:
    """One keep-alive connection as one user; reconnects after a broken connection."""

    def __init__(self, base, token):
        self.url = urllib.parse.urlsplit(base)
        self.token = token
        self.conn = None
        self.served_by = "-"

    def request(self, method, path, body=None):
        """Returns (status, parsed JSON or None); status 0 when the connection broke."""
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = "Token " + self.token
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.url.hostname, self.url.port or 80, timeout=30)
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            try:
                self.served_by = response.getheader("X-Served-By", "-")
                return response.status, json.loads(raw) if raw else None
            except ValueError:
                return response.status, None
        except (OSError, http.client.HTTPException):
            self.close()
            return 0, None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def mixed(args, tokens):
    counts = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds

    def record(method, status):
        with lock:
            counts[(method, status)] += 1

    def run(index):
        client = Client(args.base, tokens[index % len(tokens)])
        n = 0
        while time.monotonic() < deadline:
            n += 1
            slug = f"seed-article-{1 + (index * 7919 + n * 104729) % 50000}"
            status, _ = client.request("GET", f"/api/articles/{slug}")
            record("GET", status)
            status, body = client.request("POST", f"/api/articles/{slug}/comments",
                                          {"comment": {"body": f"drill comment {index}-{n}"}})
            record("POST", status)
            if status == 200 and body:
                status, _ = client.request("DELETE", f"/api/articles/{slug}/comments/{body['comment']['id']}")
                record("DELETE", status)
            status, _ = client.request("PUT", "/api/user", {"user": {"bio": f"drill bio {index}-{n}"}})
            record("PUT", status)
            status, _ = client.request("GET", "/api/user")
            record("GET", status)
        client.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    failed = sum(n for (m, s), n in counts.items() if s == 0 or s >= 500)
    client_errors = sum(n for (m, s), n in counts.items() if 400 <= s < 500)
    by_method = Counter()
    for (m, s), n in counts.items():
        by_method[m] += n
    return {"requests": sum(counts.values()), "failed": failed, "client_errors": client_errors,
            "by_method": dict(by_method),
            "statuses": {f"{m} {s}": n for (m, s), n in sorted(counts.items())}}


def writes(args, tokens):
    client = Client(args.base, tokens[0])
    reader = Client(args.base, tokens[1 % len(tokens)])
    start = time.monotonic()
    deadline = start + args.seconds
    gets, puts = Counter(), Counter()
    first_failure = None
    outage = 0.0
    n = 0
    while time.monotonic() < deadline:
        n += 1
        status, _ = reader.request("GET", f"/api/articles/seed-article-{1 + n % 50000}")
        gets[status] += 1
        status, _ = client.request("PUT", "/api/user", {"user": {"bio": f"failover write {n}"}})
        puts[status] += 1
        now = time.monotonic()
        if status != 200 and first_failure is None:
            first_failure = now
        elif status == 200 and first_failure is not None:
            outage = max(outage, now - first_failure)
            first_failure = None
        time.sleep(0.1)
    unresolved = first_failure is not None
    if unresolved:
        outage = time.monotonic() - first_failure
    return {"gets": dict(gets), "writes": dict(puts), "write_outage_s": round(outage, 1),
            "writes_recovered": not unresolved}


def pairs(args, tokens):
    clients = [Client(args.base, token) for token in tokens]
    violations, failed = 0, 0
    for n in range(args.count):
        client = clients[n % len(clients)]
        bio = f"read-your-writes {time.time_ns()} {n}"
        status, _ = client.request("PUT", "/api/user", {"user": {"bio": bio}})
        if status != 200:
            failed += 1
            continue
        status, body = client.request("GET", "/api/user")
        if status != 200:
            failed += 1
        elif (body or {}).get("user", {}).get("bio") != bio:
            violations += 1
    return {"pairs": args.count, "violations": violations, "failed": failed}


def login(args):
    bases = args.base.split(",")
    users = args.users.split(",")
    tokens = [None] * len(users)
    errors = []

    def run(offset):
        client = Client(bases[offset], "")
        for i in range(offset, len(users), len(bases)):
            body = {"user": {"email": f"{users[i]}@example.com", "password": "load-test-password"}}
            for _ in range(50):
                status, answer = client.request("POST", "/api/users/login", body)
                if status != 429:
                    break
                time.sleep(0.5)
            if status == 200:
                tokens[i] = answer["user"]["token"]
            else:
                errors.append(f"{users[i]}: {status}")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(bases))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit("login failed: " + ", ".join(errors[:5]))
    return "\n".join(tokens)


def classify(args, tokens):
    lines = []
    for token in tokens:
        client = Client(args.base, token)
        status, _ = client.request("GET", "/api/user")
        client.close()
        if status == 200:
            lines.append(f"{client.served_by} {token}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["mixed", "writes", "pairs", "login", "classify"])
    parser.add_argument("--base", required=True)
    parser.add_argument("--tokens")
    parser.add_argument("--users", default="")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    args.seconds = min(args.seconds, 300)
    args.count = min(args.count, 10000)
    if args.mode == "login":
        print(login(args))
        return
    with open(args.tokens) as f:
        tokens = [line.strip() for line in f if line.strip()]
    if args.mode == "classify":
        print(classify(args, tokens))
        return
    result = {"mixed": mixed, "writes": writes, "pairs": pairs}[args.mode](args, tokens)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
