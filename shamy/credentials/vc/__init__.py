"""Verifiable Credentials 2.0 with Data Integrity ``eddsa-rdfc-2022``: pure functions, no Django models.

- :mod:`.loader`: the offline JSON-LD document loader (bundled contexts only, never the network);
- :mod:`.multibase`: base58btc and the Multikey encodings of Ed25519 keys;
- :mod:`.dataintegrity`: canonicalise (RDFC-1.0), sign and verify;
- :mod:`.statuslist`: the Bitstring Status List (GZIP, base64url, multibase).
"""
