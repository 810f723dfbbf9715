"""Stores N draft deployments through the API, spread over ten users, and prints the seeding rate
and, on its last line, the token of the user who owns a tenth of them (the one the list is timed for).

    python3 bench/seed_deployments.py BASE_URL N
"""
import json
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

BASE, TOTAL = sys.argv[1], int(sys.argv[2])
USERS = 10


def call(method, path, body=None, token=None):
    request = urllib.request.Request(BASE + path, method=method,
                                     data=None if body is None else json.dumps(body).encode())
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def register(index):
    user = {"username": f"bench{index}", "email": f"bench{index}@example.com",
            "password": "bench-password-123"}
    return call("POST", "/api/v1/auth/register", user)["token"]


def spec(index):
    return {"name": f"app-{index}", "namespace": f"team-{index % 50}",
            "workloads": [{"kind": "Deployment", "name": "web", "replicas": 2,
                           "containers": [{"name": "web", "image": f"nginx:1.{index % 30}",
                                           "ports": [{"name": "http", "containerPort": 80}]}]}],
            "services": [{"name": "web", "workload": "web",
                          "ports": [{"port": 80, "targetPort": "http"}]}]}


tokens = [register(index) for index in range(USERS)]
started = time.monotonic()
with ThreadPoolExecutor(max_workers=16) as pool:
    list(pool.map(lambda i: call("POST", "/api/v1/deployments", {"spec": spec(i)},
                                 tokens[i % USERS]), range(TOTAL)))
elapsed = time.monotonic() - started
print(f"seeded {TOTAL} deployments through the API in {elapsed:.1f} s ({TOTAL / elapsed:.0f}/s)")
print(tokens[0])
