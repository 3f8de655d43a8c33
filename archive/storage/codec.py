"""How a body is stored: zstd frames, with a per-site dictionary once the site has one; gzip
(the format before zstd) is still read.

The codec is told by the first bytes of an object (gzip `1f 8b`, zstd `28 b5 2f fd`), so an
archive written with gzip needs no migration. A zstd frame records the id of the dictionary it
needs; the body's metadata names that dictionary by its sha256 (`zdict`), the key it has in the
store (`dicts/<sha256>.zdict`). Dictionaries are content-addressed and immutable: a store never
deletes one, so every body that names it stays readable. A missing or damaged dictionary raises
`DictionaryError`, naming the dictionary and the body that needs it.

Dictionaries are cached per process, at most `DICT_CACHE` of them (least recently used out).
Training and the per-site bookkeeping live in `archive.storage.learn`.
"""

from __future__ import annotations

import gzip
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Protocol

import zstandard

from archive.errors import BlobCorrupt, BlobNotFound
from archive.model import sha256_hex

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
# Measured on 1,334 newsweb pages (mean 269 KB): level 3 compresses in 0.7 ms/page to 0.23x
# (gzip level 3: 2.5 ms/page to 0.26x); with a site's dictionary, 0.4 ms/page to ~0.08x.
ZSTD_LEVEL = 3
DICT_CACHE = 16  # dictionaries held per process (each up to ~1 MB, twice when compressing)
MAX_FRAME_OUTPUT = 512 * 2**20  # a frame that does not declare its size inflates to at most this

# Metadata keys the store adds to a body's metadata (a caller's values for them are dropped).
CODEC = "codec"  # "zstd" (absent on gzip objects written before zstd)
DICT = "zdict"  # the sha256 of the dictionary a zstd frame needs; absent without one
CODEC_KEYS = (CODEC, DICT)


class DictionaryError(BlobCorrupt):
    """A body's zstd dictionary is missing or damaged; `dictionary` names it."""

    def __init__(self, message: str, dictionary: str, problem: str) -> None:
        super().__init__(message)
        self.dictionary = dictionary
        self.problem = problem  # "missing" or "corrupt: ..."


class DictionaryStore(Protocol):
    """Where a store keeps its dictionaries (LocalBlobStore and S3BlobStore both do)."""

    uri: str

    def put_dict(self, sha256: str, data: bytes, meta: dict[str, str]) -> None: ...

    def get_dict(self, sha256: str) -> bytes:
        """The dictionary's bytes; raises BlobNotFound."""

    def dicts(self) -> Iterator[dict[str, str]]:
        """The metadata of every stored dictionary (`sha256`, `site`, `dict_id`, ...)."""


def dict_key(sha256: str) -> str:
    return f"dicts/{sha256}.zdict"


def codec_of(data: bytes) -> str:
    """'gzip', 'zstd' or '' (neither) from an object's first bytes."""
    if data.startswith(ZSTD_MAGIC):
        return "zstd"
    if data.startswith(GZIP_MAGIC):
        return "gzip"
    return ""


def frame_dict_id(data: bytes) -> int:
    """The dictionary id written in a zstd frame's header (0: none); -1 if not a zstd frame."""
    try:
        return int(zstandard.get_frame_parameters(data).dict_id)
    except zstandard.ZstdError:
        return -1


# -- the per-process dictionary cache ------------------------------------------------------
_cache: OrderedDict[str, zstandard.ZstdCompressionDict] = OrderedDict()
_cache_lock = threading.Lock()
_ready: set[str] = set()  # cached dictionaries with their compression tables computed


def cache_clear() -> None:
    with _cache_lock:
        _cache.clear()
        _ready.clear()


def cached_dicts() -> int:
    with _cache_lock:
        return len(_cache)


def load_dict(
    store: DictionaryStore, sha256: str, *, needed_by: str = "", site: str = ""
) -> zstandard.ZstdCompressionDict:
    """A dictionary by its sha256, checked against it, from the cache or the store.

    Keyed by sha256 alone: the same dictionary is the same bytes in every store."""
    with _cache_lock:
        found = _cache.get(sha256)
        if found is not None:
            _cache.move_to_end(sha256)
            return found
    where = f"{store.uri.rstrip('/')}/{dict_key(sha256)}"
    body = f" by body {needed_by}" if needed_by else ""
    of_site = f" (site {site!r})" if site else ""
    after = (
        "Restore it from a copy of the store (dictionaries are never deleted); "
        "`newsarchive verify` lists every body that needs it."
    )
    try:
        data = store.get_dict(sha256)
    except BlobNotFound:
        raise DictionaryError(
            f"zstd dictionary {sha256}{of_site}, needed{body}, is missing: no {where}. {after}",
            sha256,
            "missing",
        ) from None
    if sha256_hex(data) != sha256:
        raise DictionaryError(
            f"zstd dictionary {sha256}{of_site}, needed{body}, is corrupt: {where} does not "
            f"hash to its name. {after}",
            sha256,
            "corrupt: sha256 mismatch",
        )
    zdict = zstandard.ZstdCompressionDict(data)
    with _cache_lock:
        _cache[sha256] = zdict
        _cache.move_to_end(sha256)
        while len(_cache) > DICT_CACHE:
            _ready.discard(_cache.popitem(last=False)[0])
    return zdict


def compress_dict(
    store: DictionaryStore, sha256: str, *, site: str = ""
) -> zstandard.ZstdCompressionDict:
    """A dictionary made ready for compressing: its tables computed once, shared by threads."""
    zdict = load_dict(store, sha256, site=site)
    with _cache_lock:
        if sha256 not in _ready:
            zdict.precompute_compress(level=ZSTD_LEVEL)
            _ready.add(sha256)
    return zdict


# -- encoding and decoding -------------------------------------------------------------------
def zstd_compress(body: bytes, zdict: zstandard.ZstdCompressionDict | None = None) -> bytes:
    """One zstd frame (content size and dictionary id in its header, a checksum at its end).

    A compressor per call: they are cheap with a precomputed dictionary, and not thread-safe."""
    compressor = zstandard.ZstdCompressor(level=ZSTD_LEVEL, dict_data=zdict, write_checksum=True)
    return compressor.compress(body)


def gunzip(data: bytes, sha256: str, where: str) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise BlobCorrupt(
            f"Blob {sha256} in {where} is not valid gzip ({exc}): "
            "run `newsarchive verify --repair`."
        ) from None


def decode(
    data: bytes,
    sha256: str,
    store: DictionaryStore,
    meta: Callable[[], dict[str, str]],
) -> bytes:
    """The raw body of a stored object, whatever its codec.

    `meta` gives the body's metadata; it is called only for a frame that needs a dictionary."""
    where = store.uri
    kind = codec_of(data)
    if kind == "gzip":
        return gunzip(data, sha256, where)
    if kind != "zstd":
        raise BlobCorrupt(
            f"Blob {sha256} in {where} is neither zstd nor gzip (starts {data[:4].hex() or 'empty'}):"
            " run `newsarchive verify --repair`."
        )
    dict_id = frame_dict_id(data)
    zdict = None
    if dict_id > 0:
        named = meta().get(DICT, "")
        if not named:
            raise DictionaryError(
                f"Body {sha256} in {where} needs zstd dictionary id {dict_id}, but its metadata "
                f"names none ({DICT!r}): restore the metadata from a copy of the store.",
                f"id {dict_id}",
                "missing: not named in the body's metadata",
            )
        zdict = load_dict(store, named, needed_by=sha256)
        if zdict.dict_id() != dict_id:
            raise DictionaryError(
                f"zstd dictionary {named}, named by body {sha256} in {where}, has id "
                f"{zdict.dict_id()} but the body was written with id {dict_id}: the metadata "
                "or the dictionary is wrong; restore both from a copy of the store.",
                named,
                "corrupt: dictionary id mismatch",
            )
    try:
        if zdict is None:
            decompressor = zstandard.ZstdDecompressor()
        else:
            decompressor = zstandard.ZstdDecompressor(dict_data=zdict)
        return decompressor.decompress(data, max_output_size=MAX_FRAME_OUTPUT)
    except zstandard.ZstdError as exc:
        raise BlobCorrupt(
            f"Blob {sha256} in {where} is not a valid zstd frame ({exc}): "
            "run `newsarchive verify --repair`."
        ) from None


def without_codec_keys(meta: dict[str, str]) -> dict[str, str]:
    """A caller's metadata minus the keys only the store may set (a body read from one store
    and put into another gets that store's codec, not the first one's)."""
    return {k: v for k, v in meta.items() if k not in CODEC_KEYS}
