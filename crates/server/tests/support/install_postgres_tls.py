#!/usr/bin/env python3
"""A second local PostgreSQL cluster that accepts TLS connections only, with a server certificate
(localhost, 127.0.0.1) signed by a CA generated here, and a fresh database in it.

    install_postgres_tls.py DATABASE   # prints {"port", "ca", "wrongCa"} as JSON

Creates the cluster `kubechart_tls` (Debian's pg_createcluster, run as root) on the first call and
starts it when it is down; later calls reuse it. `wrongCa` is a CA that signed nothing here.
Exits 3 when the PostgreSQL cluster tools are not installed or this is not root.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

CLUSTER = "kubechart_tls"
PORT = int(os.environ.get("KUBECHART_TEST_POSTGRES_TLS_PORT", "5433"))
STATE = Path(os.environ.get("KUBECHART_TEST_POSTGRES_TLS_DIR", "/tmp/kubechart-postgres-tls"))


def run(*command: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def openssl_ca(name: str) -> None:
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
        "-subj", f"/CN=KubeChart test {name}", "-keyout", str(STATE / f"{name}.key"),
        "-out", str(STATE / f"{name}.crt"))


def make_certificates() -> None:
    """A CA, a server certificate it signs, and an unrelated CA."""
    STATE.mkdir(parents=True, exist_ok=True)
    openssl_ca("ca")
    openssl_ca("wrong-ca")
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
        "-keyout", str(STATE / "server.key"), "-out", str(STATE / "server.csr"))
    (STATE / "server.ext").write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    run("openssl", "x509", "-req", "-in", str(STATE / "server.csr"), "-CA", str(STATE / "ca.crt"),
        "-CAkey", str(STATE / "ca.key"), "-CAcreateserial", "-days", "3650",
        "-extfile", str(STATE / "server.ext"), "-out", str(STATE / "server.crt"))


def version() -> str:
    return sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(p) for p in v.split(".")])[-1]


def config_dir() -> Path:
    return Path("/etc/postgresql") / version() / CLUSTER


def create_cluster() -> None:
    if config_dir().exists():
        run("pg_dropcluster", "--stop", version(), CLUSTER)
    run("pg_createcluster", version(), CLUSTER, "--port", str(PORT))
    conf = config_dir()
    for file in ("server.crt", "server.key"):
        shutil.copy(STATE / file, conf / file)
        shutil.chown(conf / file, "postgres", "postgres")
    os.chmod(conf / "server.key", 0o600)
    with open(conf / "postgresql.conf", "a") as settings:
        settings.write(
            "\nlisten_addresses = '127.0.0.1'\nssl = on\n"
            f"ssl_cert_file = '{conf / 'server.crt'}'\nssl_key_file = '{conf / 'server.key'}'\n")
    # Over TCP, TLS or nothing.
    (conf / "pg_hba.conf").write_text(
        "local all postgres peer\n"
        "hostssl all all 127.0.0.1/32 trust\n"
        "hostnossl all all 127.0.0.1/32 reject\n")


def start() -> None:
    status = subprocess.run(["pg_ctlcluster", version(), CLUSTER, "status"], capture_output=True)
    if status.returncode != 0:
        run("pg_ctlcluster", "--skip-systemctl-redirect", version(), CLUSTER, "start")
    for _ in range(60):
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(PORT)]).returncode == 0:
            return
        time.sleep(0.5)
    raise SystemExit(f"PostgreSQL {CLUSTER} did not start on port {PORT}")


def create_database(name: str) -> None:
    run("runuser", "-u", "postgres", "--", "psql", "-q", "-p", str(PORT), "-c",
        f'CREATE DATABASE "{name}"')


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 64
    if shutil.which("pg_createcluster") is None or not Path("/etc/postgresql").is_dir():
        print("the PostgreSQL cluster tools (pg_createcluster) are not installed", file=sys.stderr)
        return 3
    if os.geteuid() != 0:
        print("creating a PostgreSQL cluster needs root", file=sys.stderr)
        return 3
    try:
        if not (STATE / "ca.crt").exists() or not (config_dir() / "server.crt").exists():
            make_certificates()
            create_cluster()
        start()
        create_database(sys.argv[1])
    except subprocess.CalledProcessError as error:
        print(f"{' '.join(error.cmd)}: {error.stderr}", file=sys.stderr)
        return 1
    json.dump({"port": PORT, "ca": str(STATE / "ca.crt"), "wrongCa": str(STATE / "wrong-ca.crt")},
              sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
