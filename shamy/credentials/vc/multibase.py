"""Multibase base58btc and Multikey encodings of Ed25519 keys (did:key, ``publicKeyMultibase``)."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: index for index, char in enumerate(ALPHABET)}
# Multicodec prefixes (unsigned varints): ed25519-pub 0xed, ed25519-priv 0x1300.
ED25519_PUB_PREFIX = b"\xed\x01"
ED25519_PRIV_PREFIX = b"\x80\x26"


class MultibaseError(ValueError):
    pass


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, remainder = divmod(number, 58)
        out = ALPHABET[remainder] + out
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + out


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        if char not in _INDEX:
            raise MultibaseError(f"not base58btc: {char!r}")
        number = number * 58 + _INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_encode(data: bytes) -> str:
    """base58btc multibase: ``z`` then the base58btc text."""
    return "z" + b58encode(data)


def multibase_decode(text: str) -> bytes:
    if not text.startswith("z"):
        raise MultibaseError("only base58btc multibase (a leading 'z') is accepted")
    return b58decode(text[1:])


def public_key_multibase(key: Ed25519PublicKey) -> str:
    return multibase_encode(ED25519_PUB_PREFIX + key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def public_key_from_multibase(text: str) -> Ed25519PublicKey:
    raw = multibase_decode(text)
    if not raw.startswith(ED25519_PUB_PREFIX) or len(raw) != 34:
        raise MultibaseError("not an Ed25519 Multikey public key")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def private_key_multibase(key: Ed25519PrivateKey) -> str:
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return multibase_encode(ED25519_PRIV_PREFIX + seed)


def private_key_from_multibase(text: str) -> Ed25519PrivateKey:
    raw = multibase_decode(text)
    if not raw.startswith(ED25519_PRIV_PREFIX) or len(raw) != 34:
        raise MultibaseError("not an Ed25519 Multikey private key")
    return Ed25519PrivateKey.from_private_bytes(raw[2:])


def did_key(key: Ed25519PublicKey) -> str:
    """The did:key DID of a public key (the issuer's id)."""
    return "did:key:" + public_key_multibase(key)


def did_key_verification_method(key: Ed25519PublicKey) -> str:
    """``did:key:X#X``: the verification method of a did:key."""
    encoded = public_key_multibase(key)
    return f"did:key:{encoded}#{encoded}"
