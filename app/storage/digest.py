"""Digests of content and card lists, without loading hashlib's OpenSSL backend.

`hashlib.blake2b` *is* CPython's built-in `_blake2.blake2b`; importing it directly skips
the OpenSSL initialisation that `import hashlib` does, a few milliseconds of every start.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # not CPython: the same algorithm through hashlib
    from hashlib import blake2b

__all__ = ["blake2b"]
