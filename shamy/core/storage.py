"""Where uploaded files live: the local disk by default, a private S3-compatible bucket when
``SHAMY_S3_BUCKET`` is set (README.md, "Files on object storage").

Every upload is written with :func:`shamy.core.files.store_file` and read back through the
model field's storage (``field_file.open()``), never by a local path, so the same code runs on
both. Downloads stream through the app (:func:`shamy.core.files.file_response`), after the
object's access check; the bucket is never public and no object URL is handed to a browser
(docs/architecture.md, "Uploaded files").
"""

from __future__ import annotations

from typing import Any

from botocore.config import Config

S3_BACKEND = "storages.backends.s3.S3Storage"
# Larger downloads spool to a temporary file on disk instead of the worker's memory.
S3_MAX_MEMORY_BYTES = 5 * 1024 * 1024
# An unreachable store fails a page (or /readyz's storage check) in seconds, not after boto3's
# default minute-long connect timeout and its retries.
S3_CONNECT_TIMEOUT_SECONDS = 5
S3_READ_TIMEOUT_SECONDS = 60
S3_MAX_ATTEMPTS = 3


def s3_storage(
    *,
    bucket: str,
    endpoint_url: str = "",
    region: str = "",
    access_key: str = "",
    secret_key: str = "",
    prefix: str = "",
    addressing_style: str = "",
    url_seconds: int = 300,
) -> dict[str, Any]:
    """The ``STORAGES["default"]`` entry for a private bucket.

    Empty credentials leave boto3 to its own chain (``AWS_*`` variables, an instance role).
    Objects are written ``private`` and never overwritten (a second file of the same name gets a
    new name); any URL the storage would make is signed and short-lived (``url_seconds``), though
    Shamy streams downloads itself and makes none.
    """
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": url_seconds,
        "file_overwrite": False,
        "signature_version": "s3v4",
        "location": prefix.strip("/"),
        "max_memory_size": S3_MAX_MEMORY_BYTES,
    }
    if endpoint_url:
        options["endpoint_url"] = endpoint_url
    if region:
        options["region_name"] = region
    if access_key or secret_key:
        options["access_key"] = access_key
        options["secret_key"] = secret_key
    # Most S3-compatible servers (MinIO, Ceph, moto) address buckets by path; AWS takes either.
    style = addressing_style or ("path" if endpoint_url else None)
    options["client_config"] = Config(
        s3={"addressing_style": style},
        signature_version="s3v4",
        connect_timeout=S3_CONNECT_TIMEOUT_SECONDS,
        read_timeout=S3_READ_TIMEOUT_SECONDS,
        retries={"max_attempts": S3_MAX_ATTEMPTS, "mode": "standard"},
    )
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}


def uses_object_storage(storage_settings: dict[str, Any]) -> bool:
    return bool(storage_settings.get("BACKEND") == S3_BACKEND)
