"""MinHash signatures with numpy alone, value for value those of datasketch's `MinHash`.

datasketch (2.x, scheme "affine32", its default) is the reference the archive's stored
signatures were made with; its package import pulls in scipy (about 1 s of CPU), paid by the
crawl's parent and by every extraction worker. The scheme, as datasketch documents it:
each item is hashed to 32 bits (the first four bytes of its SHA-1, little-endian), mixed once
by the MurmurHash3 32-bit finalizer, then mapped by k affine permutations
h -> a_k * h + b_k mod 2^32 with odd a_k; the signature is the minimum per permutation. The
permutation parameters come from numpy's legacy `RandomState(seed)`: first the k halves of
a_k (a = 2 * draw + 1, draws below 2^31), then the k values of b_k (below 2^32).
tests/test_dedupe.py checks equality with datasketch on random sets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

EMPTY = np.uint32(0xFFFFFFFF)  # the value of a permutation that saw no item
# MurmurHash3 fmix32: shifts and multipliers (Austin Appleby, public domain)
_FMIX = (16, np.uint32(0x85EBCA6B), 13, np.uint32(0xC2B2AE35), 16)


def hash32(data: bytes) -> int:
    """The 32-bit item hash: the first four bytes of SHA-1, read little-endian."""
    return int.from_bytes(hashlib.sha1(data).digest()[:4], "little")  # noqa: S324 - not security


def fmix32(values: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX
    values = values ^ (values >> np.uint32(s1))
    values = values * m1
    values = values ^ (values >> np.uint32(s2))
    values = values * m2
    mixed: np.ndarray = values ^ (values >> np.uint32(s3))
    return mixed


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(a, b), each of shape (num_perm,), uint32; a is odd, so each map is a bijection."""
    rng = np.random.RandomState(seed)
    a = rng.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = rng.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def signature(items: Iterable[str], num_perm: int, seed: int) -> np.ndarray:
    """The MinHash values (uint32, shape (num_perm,)) of a set of strings."""
    hashes = np.fromiter((hash32(item.encode()) for item in items), dtype=np.uint32)
    if not hashes.size:
        return np.full(num_perm, EMPTY, dtype=np.uint32)
    a, b = permutations(num_perm, seed)
    mixed = fmix32(hashes)
    with np.errstate(over="ignore"):  # uint32 arithmetic wraps: that is the mod 2^32
        values: np.ndarray = (mixed[:, None] * a + b).min(axis=0)
    return values
