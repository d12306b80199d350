"""A throwaway PostgreSQL cluster for the agency tests: initdb in a temporary folder, started
with pg_ctl on a Unix socket and a loopback port (TLS on, with a CA and server certificate
made here), stopped and removed at the end.

PostgreSQL refuses to run as root: as root (CI, this machine) the cluster runs as the system
user `nobody` (subprocess drops to it); as anyone else it runs as that user.
"""

from __future__ import annotations

import datetime
import glob
import ipaddress
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def find_bindir() -> Path | None:
    """Where initdb and pg_ctl are: on PATH, or Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
    )
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_tls(folder: Path) -> tuple[Path, Path, Path]:
    """A CA, and a certificate for localhost / 127.0.0.1 signed by it (EC P-256)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "noteapp test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = folder / "ca.pem", folder / "server.crt", folder / "server.key"
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return ca_path, cert_path, key_path


@dataclass
class Cluster:
    bindir: Path
    base: Path
    port: int
    uid: int | None  # the user the server runs as when we are root

    @property
    def data(self) -> Path:
        return self.base / "data"

    @property
    def socket_dir(self) -> str:
        return str(self.base)

    @property
    def ca(self) -> Path:
        return self.base / "ca.pem"

    def _run(self, *args: str) -> None:
        kwargs: dict[str, object] = {}
        if self.uid is not None:
            entry = pwd.getpwuid(self.uid)
            kwargs = {"user": self.uid, "group": entry.pw_gid, "extra_groups": []}
        env = {**os.environ, "HOME": str(self.base), "LC_ALL": "C.UTF-8"}
        subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            check=True,
            cwd=self.base,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=120,
            **kwargs,  # type: ignore[arg-type]
        )

    @classmethod
    def create(cls, bindir: Path) -> Cluster:
        base = Path(tempfile.mkdtemp(prefix="noteapp-pg-"))
        uid = pwd.getpwnam("nobody").pw_uid if os.geteuid() == 0 else None
        cluster = cls(bindir, base, _free_port(), uid)
        _ca, cert, key = write_tls(base)
        if uid is not None:
            gid = pwd.getpwuid(uid).pw_gid
            for path in (base, cert, key, base / "ca.pem"):
                os.chown(path, uid, gid)
        cluster._run(
            "initdb", "-D", str(cluster.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C", "--no-sync",
        )  # fmt: skip
        with open(cluster.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {cluster.port}\n"
                f"unix_socket_directories = '{base}'\nssl = on\n"
                f"ssl_cert_file = '{cert}'\nssl_key_file = '{key}'\n"
                "fsync = off\nfull_page_writes = off\n"
                "max_connections = 60\nshared_buffers = 32MB\n"
            )
        (cluster.data / "pg_hba.conf").write_text(
            "local all all trust\n"
            "hostssl all all 127.0.0.1/32 scram-sha-256\n"
            "host all all 127.0.0.1/32 scram-sha-256\n",
            encoding="utf-8",
        )
        cluster.start()
        return cluster

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.base / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def conninfo(self, *, user: str = "postgres", dbname: str = "postgres") -> str:
        return f"host={self.base} port={self.port} user={user} dbname={dbname}"
