"""Requests in redis as signed JSON, never pickle (scrapy-redis' default serializer).

Anyone who can write one key of a pickle-serialized queue runs code on every crawler node. Here
an entry is `na1.<hex HMAC-SHA256>.<JSON>`: the HMAC, keyed with the cluster's shared secret
(`NEWSARCHIVE_REDIS_KEY`), is checked before the JSON is parsed, so an entry written by anyone
without the key is dropped unread. Bytes (body, header values) travel as base64; the request
class named in `_class` must be `scrapy.Request` or a subclass already imported by this
process (nothing is imported by name from an entry).

scrapy-redis reads `SCHEDULER_SERIALIZER` as a module with `loads`/`dumps`; this module is one
(it takes the key from the environment), and `SignedJSON` is the same with a key and a
rejection counter, which is what the scheduler uses.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from scrapy import Request

from archive.errors import NewsarchiveError

MAGIC = b"na1."
MAX_ENTRY = 1 << 20  # bytes: a request is a few KB; anything larger is refused unread
MAX_DEPTH = 32  # nesting of the decoded JSON
MIN_KEY = 16  # characters of NEWSARCHIVE_REDIS_KEY
_BYTES = "\x00b64"  # the one key of an object that stands for bytes
_MAP = "\x00map"  # the one key of an object that stands for a dict with non-str keys
KEY_HELP = (
    "set the same secret on every crawler node, e.g. "
    "export NEWSARCHIVE_REDIS_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))') "
    "(or -s NEWSARCHIVE_REDIS_KEY=…); see SECURITY.md, 'Distributed mode'."
)


class RedisKeyMissing(NewsarchiveError):
    """Distributed mode without a shared secret to sign queued requests."""


class RejectedEntry(ValueError):
    """A queued entry that failed the HMAC check or does not decode to a request."""


def check_key(key: str | bytes | None) -> bytes:
    """The key as bytes; raises RedisKeyMissing with the fix if it is absent or short."""
    raw = key.encode() if isinstance(key, str) else (key or b"")
    if len(raw) < MIN_KEY:
        why = "is not set" if not raw else f"is shorter than {MIN_KEY} characters"
        raise RedisKeyMissing(
            f"Distributed mode (REDIS_URL is set) needs NEWSARCHIVE_REDIS_KEY to sign the "
            f"requests queued in redis, and it {why}: {KEY_HELP}"
        )
    return raw


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {_BYTES: base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {_MAP: [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"Cannot queue a {type(value).__name__} in a request: {value!r:.80}")


def _decode(value: Any, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise RejectedEntry("nested too deeply")
    if isinstance(value, dict):
        if set(value) == {_BYTES}:
            try:
                return base64.b64decode(value[_BYTES], validate=True)
            except (ValueError, TypeError):
                raise RejectedEntry("bad base64") from None
        if set(value) == {_MAP}:
            return _decode_pairs(value[_MAP], depth)
        return {k: _decode(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v, depth + 1) for v in value]
    return value


def _decode_pairs(pairs: Any, depth: int) -> dict[Any, Any]:
    if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 for p in pairs):
        raise RejectedEntry("bad mapping")
    out = {}
    for key, value in pairs:
        decoded = _decode(key, depth + 1)
        if not isinstance(decoded, (str, bytes, int, float, bool)) and decoded is not None:
            raise RejectedEntry("bad mapping key")
        out[decoded] = _decode(value, depth + 1)
    return out


def _request_class(path: Any) -> None:
    """Refuse any `_class` but Request and its subclasses, resolving only loaded modules."""
    if path is None:
        return
    if not isinstance(path, str) or "." not in path:
        raise RejectedEntry(f"bad _class {path!r:.80}")
    module_name, _, name = path.rpartition(".")
    module = sys.modules.get(module_name)
    found = getattr(module, name, None) if module is not None else None
    if not (isinstance(found, type) and issubclass(found, Request)):
        raise RejectedEntry(f"_class {path!r:.80} is not a scrapy.Request class")


class SignedJSON:
    """loads/dumps of request dicts as HMAC-signed JSON; `loads` raises RejectedEntry."""

    def __init__(self, key: str | bytes | None, on_reject: Callable[[str], None] | None = None):
        self.key = check_key(key)
        self.on_reject = on_reject

    def sign(self, payload: bytes) -> bytes:
        return hmac.new(self.key, payload, hashlib.sha256).hexdigest().encode("ascii")

    def dumps(self, obj: dict[str, Any]) -> bytes:
        payload = json.dumps(_encode(obj), separators=(",", ":"), sort_keys=True).encode()
        return MAGIC + self.sign(payload) + b"." + payload

    def loads(self, data: bytes | str) -> dict[str, Any]:
        try:
            return self._loads(data.encode() if isinstance(data, str) else data)
        except RejectedEntry as exc:
            if self.on_reject is not None:
                self.on_reject(str(exc))
            raise

    def _loads(self, data: bytes) -> dict[str, Any]:
        if len(data) > MAX_ENTRY:
            raise RejectedEntry(f"entry of {len(data)} bytes")
        if not data.startswith(MAGIC):
            raise RejectedEntry("not a signed entry")
        mac, dot, payload = data[len(MAGIC) :].partition(b".")
        if not dot or not hmac.compare_digest(mac, self.sign(payload)):
            raise RejectedEntry("HMAC mismatch")
        try:
            obj = json.loads(payload)
        except (ValueError, RecursionError):
            raise RejectedEntry("signed but not JSON") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("url"), str):
            raise RejectedEntry("not a request")
        _request_class(obj.get("_class"))
        decoded: dict[str, Any] = _decode(obj)
        return decoded


def _module_serializer() -> SignedJSON:
    return SignedJSON(os.environ.get("NEWSARCHIVE_REDIS_KEY"))


def dumps(obj: dict[str, Any]) -> bytes:
    """scrapy-redis' serializer interface, keyed from the environment."""
    return _module_serializer().dumps(obj)


def loads(data: bytes | str) -> dict[str, Any]:
    return _module_serializer().loads(data)
