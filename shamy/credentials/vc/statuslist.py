"""W3C Bitstring Status List: the bitstring, its encoding, and the status list credential's body.

The list is at least 16 KB (131,072 entries) so that a verifier fetching it learns nothing about
which credential it checks. Bit ``i`` is the ``i``-th bit from the left of the uncompressed
bitstring; 1 means the status (revocation) applies. ``encodedList`` is the multibase base64url
(no padding, a leading ``u``) of the GZIP-compressed bitstring.
"""

from __future__ import annotations

import base64
import gzip
from typing import Any

MIN_LENGTH = 131_072


def empty(length: int = MIN_LENGTH) -> bytearray:
    return bytearray(length // 8)


def set_bit(bits: bytearray, index: int, value: bool = True) -> None:
    byte, offset = divmod(index, 8)
    mask = 0x80 >> offset
    bits[byte] = (bits[byte] | mask) if value else (bits[byte] & ~mask)


def get_bit(bits: bytes, index: int) -> bool:
    byte, offset = divmod(index, 8)
    return bool(bits[byte] & (0x80 >> offset))


def encode(bits: bytes) -> str:
    # mtime=0: the same list always encodes the same, so a re-signed list differs only when a bit does.
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (a leading 'u')")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def status_list_credential(*, list_url: str, issuer: str, encoded_list: str, valid_from: str) -> dict[str, Any]:
    """The unsigned ``BitstringStatusListCredential`` published at ``list_url``. ``issuer`` is the
    issuer's id only: the VC 2.0 context alone does not define Open Badges' ``Profile`` type."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list,
        },
    }
