"""A real S3 API over HTTP for the object-storage tests: moto's standalone server.

No other S3 server is available on the build machines, so the tests start ``moto.server`` (the
``moto_server`` script of ``moto[server]``) on a free loopback port, wait until it answers, and
stop it at the end. django-storages and boto3 talk to it exactly as they would to AWS S3, MinIO
or Ceph: signed HTTP requests, real buckets and object ACLs.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3

from shamy.core.storage import s3_storage

ACCESS_KEY = "shamy-test-key"
SECRET_KEY = "shamy-test-secret"  # noqa: S105 (moto accepts any key; nothing real)
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (a loopback URL we built)
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def moto_server(timeout: float = 30.0) -> Iterator[str]:
    """Run ``moto.server`` on a free loopback port; yields its endpoint URL."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while not _answers(f"{endpoint}/moto-api/"):
            if process.poll() is not None:
                raise RuntimeError(f"moto_server exited with {process.returncode} before answering on {endpoint}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"moto_server did not answer on {endpoint} within {timeout:g} s")
            time.sleep(0.1)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Bucket:
    """A fresh private bucket on the test server, and the storage settings that point at it."""

    endpoint: str
    name: str
    storage: dict[str, Any]

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def keys(self) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=self.name)
        return sorted(entry["Key"] for entry in listed.get("Contents", []))


def new_bucket(endpoint: str, *, prefix: str = "media") -> Bucket:
    name = f"shamy-{uuid.uuid4().hex[:12]}"
    storage = s3_storage(
        bucket=name,
        endpoint_url=endpoint,
        region=REGION,
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        prefix=prefix,
    )
    bucket = Bucket(endpoint=endpoint, name=name, storage=storage)
    bucket.client().create_bucket(Bucket=name)
    return bucket
