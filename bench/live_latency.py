"""One app deployed to the test cluster, N WebSocket clients subscribed to it, then rounds of a
change made in the cluster (the Deployment's scale patched through the Kubernetes API, as kubectl
scale does) and the time from sending the change until each client has its first `status` message
after it.

    KUBECONFIG=... python3 bench/live_latency.py BASE_URL SERVER_PID CLIENTS ROUNDS
"""
import asyncio
import base64
import json
import os
import ssl
import statistics
import sys
import time
import urllib.request

import websockets
import yaml

BASE, SERVER_PID, CLIENTS, ROUNDS = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
WS_BASE = BASE.replace("http://", "ws://")


def call(method, path, body=None, token=None):
    request = urllib.request.Request(BASE + path, method=method,
                                     data=None if body is None else json.dumps(body).encode())
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else None


def rss():
    with open(f"/proc/{SERVER_PID}/status") as status:
        return next(line.split(":", 1)[1].strip() for line in status if line.startswith("VmRSS"))


def deploy_app(token):
    clusters = call("GET", "/api/v1/clusters", token=token)
    clusters = clusters["items"] if isinstance(clusters, dict) else clusters
    cluster = clusters[0]["id"]
    spec = {"name": "live", "namespace": "bench-live", "createNamespace": True,
            "workloads": [{"kind": "Deployment", "name": "web", "replicas": 1,
                           "containers": [{"name": "web", "image": "nginx:1.27"}]}]}
    created = call("POST", "/api/v1/deployments", {"spec": spec, "clusterId": cluster}, token)
    call("POST", f"/api/v1/deployments/{created['id']}/deploy", {}, token)
    for _ in range(600):
        record = call("GET", f"/api/v1/deployments/{created['id']}", token=token)
        status = f"{record['status']}: {record.get('statusReason')}"
        if record["status"] == "ready":
            return created["id"]
        time.sleep(0.1)
    raise SystemExit(f"the app did not become ready (status {status})")


def scaler():
    """A function that sets the Deployment's replicas through the cluster's API."""
    config = yaml.safe_load(open(os.environ["KUBECONFIG"]))
    cluster = config["clusters"][0]["cluster"]
    user = config["users"][0]["user"]
    context = ssl.create_default_context(
        cadata=base64.b64decode(cluster["certificate-authority-data"]).decode())
    url = f"{cluster['server']}/apis/apps/v1/namespaces/bench-live/deployments/web/scale"

    def scale(replicas):
        body = json.dumps({"spec": {"replicas": replicas}}).encode()
        request = urllib.request.Request(url, method="PATCH", data=body)
        request.add_header("content-type", "application/merge-patch+json")
        request.add_header("authorization", f"Bearer {user['token']}")
        urllib.request.urlopen(request, context=context).read()
    return scale


async def open_client(token, deployment):
    ticket = call("POST", "/api/v1/ws/ticket", {}, token)["ticket"]
    socket = await websockets.connect(f"{WS_BASE}/api/v1/ws?ticket={ticket}", max_queue=None)
    await socket.send(json.dumps({"type": "subscribe", "deploymentId": deployment}))
    while json.loads(await socket.recv())["type"] != "status":
        pass
    return socket


async def first_status(socket):
    while True:
        message = json.loads(await socket.recv())
        if message["type"] == "status":
            return time.monotonic()


async def main():
    user = {"username": "live", "email": "live@example.com", "password": "live-password-123"}
    token = call("POST", "/api/v1/auth/register", user)["token"]
    deployment = deploy_app(token)
    started = time.monotonic()
    sockets = []
    for batch in range(0, CLIENTS, 100):
        sockets += await asyncio.gather(*(open_client(token, deployment)
                                          for _ in range(batch, min(batch + 100, CLIENTS))))
    print(f"{CLIENTS} clients connected and subscribed in {time.monotonic() - started:.1f} s; "
          f"server RSS {rss()}")
    await asyncio.sleep(1)
    scale = scaler()
    latencies = []
    for round_number in range(ROUNDS):
        waiting = [asyncio.ensure_future(first_status(socket)) for socket in sockets]
        changed = time.monotonic()
        scale(2 + round_number % 2)
        arrived = await asyncio.gather(*waiting)
        round_latencies = sorted((at - changed) * 1000 for at in arrived)
        latencies += round_latencies
        print(f"round {round_number + 1}: first {round_latencies[0]:.0f} ms, "
              f"last client {round_latencies[-1]:.0f} ms")
        await asyncio.sleep(2)
        for socket in sockets:  # drop what the rest of the rollout sent
            while True:
                try:
                    await asyncio.wait_for(socket.recv(), 0.001)
                except asyncio.TimeoutError:
                    break
    latencies.sort()
    quantile = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    print(f"status change in the cluster → WebSocket message, {CLIENTS} clients x {ROUNDS} rounds "
          f"p50 {quantile(0.5):.0f} ms, p99 {quantile(0.99):.0f} ms, "
          f"max {latencies[-1]:.0f} ms, mean {statistics.mean(latencies):.0f} ms")
    print(f"server RSS with {CLIENTS} sockets: {rss()}")
    for socket in sockets:
        await socket.close()


asyncio.run(main())
