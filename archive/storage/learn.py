"""Per-site zstd dictionaries: which one a new body is compressed with, and when to train one.

A site's first `dict_min` pages (NEWSARCHIVE_ZSTD_DICT_MIN, default 40) are stored as plain
zstd and kept (their first `SAMPLE_BYTES`) as training samples; then a dictionary is trained
from them, stored beside the bodies, and used for the site's later bodies. Pages of one site
share most of their markup, which a dictionary holds once instead of in every body.

A dictionary is kept only if it beats plain zstd by `MIN_GAIN` on samples it was not trained
on. Its baseline is the ratio of the first `dict_min` bodies stored with it. When the ratio of
the site's last `dict_min` bodies falls below the baseline by NEWSARCHIVE_ZSTD_RETRAIN_DROP (default 0.25: a quarter), the site's
chrome has changed: samples are collected again and a new dictionary is trained. Old bodies keep
the dictionary they name.

Training takes about 0.4 s of CPU per site; the crawl hands it to a worker process (`trainer`)
so that the crawl's own process spends less CPU per page than gzip did.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import deque
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field

import zstandard

from archive.errors import BlobStoreError
from archive.model import sha256_hex, utc_now
from archive.storage.codec import CODEC, DICT, DictionaryStore, compress_dict, zstd_compress

log = logging.getLogger(__name__)

DICT_MIN_ENV = "NEWSARCHIVE_ZSTD_DICT_MIN"
RETRAIN_DROP_ENV = "NEWSARCHIVE_ZSTD_RETRAIN_DROP"
DEFAULT_DICT_MIN = 40  # pages of a site before it gets a dictionary
DEFAULT_RETRAIN_DROP = 0.25
SAMPLE_BYTES = 1024 * 1024  # of each page kept for training (a page is ~250 KB)
SAMPLES_BUDGET = 96 * 2**20  # training samples held at once, all sites together
HELD_OUT = 4  # samples kept out of training to measure the dictionary
MIN_GAIN = 0.9  # a dictionary must store held-out pages in at most 0.9x plain zstd's bytes
RETRY_AFTER = 4  # a site whose dictionary did not help tries again after 4x dict_min pages
# The trainer falls back to a poor small dictionary when asked for more than about 1/20 of
# its samples; 1/25 of the samples, within these bounds, was best on the newsweb bench.
DICT_SIZE_SHARE = 25
DICT_SIZE_MIN, DICT_SIZE_MAX = 16 * 1024, 1024 * 1024
# COVER's segment size k and d-mer length d, fixed (zstd's dictBuilder documents k in [d, 2048]
# and d in {6, 8}): left at 0, zstandard searches for them and trains several dictionaries.
# On the newsweb's pages (40 per site, three sites, two points in the crawl) these values gave
# the same held-out ratio as the search (3.56 vs 3.56, 5.23 vs 5.23, 4.81 vs 4.59) at a fifth
# of its CPU (0.08 s vs 0.36 s for a 10 MB sample set).
COVER_SEGMENT, COVER_DMER = 1024, 8


def _env_number(name: str, default: float, low: float, high: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise BlobStoreError(
            f"{name}={raw!r} is not a number in [{low:g}, {high:g}]: fix or unset it"
        )
    return value


def dict_min_from_env() -> int:
    return int(_env_number(DICT_MIN_ENV, DEFAULT_DICT_MIN, HELD_OUT + 4, 100_000))


def retrain_drop_from_env() -> float:
    return _env_number(RETRAIN_DROP_ENV, DEFAULT_RETRAIN_DROP, 0.01, 0.99)


@dataclass
class Trained:
    data: bytes  # empty: no dictionary helped
    ratio: float  # raw / compressed bytes of the held-out samples with it
    plain_ratio: float  # the same without a dictionary


def trainer_ready() -> bool:
    """Nothing: submitted when the trainer process starts, so that it is spawned and has
    imported this module (zstandard, not the extraction stack) before a site needs it."""
    return True


def train(samples: list[bytes]) -> Trained:
    """Train a dictionary on all samples but the last HELD_OUT and measure it on those.

    Pure and picklable: the crawl runs it in a worker process."""
    learn, held = samples[:-HELD_OUT], samples[-HELD_OUT:]
    size = sum(map(len, learn)) // DICT_SIZE_SHARE
    size = max(DICT_SIZE_MIN, min(DICT_SIZE_MAX, size))
    raw = sum(map(len, held))
    plain = sum(len(zstd_compress(s)) for s in held)
    try:
        zdict = zstandard.train_dictionary(
            size,
            list[bytes | bytearray | memoryview](learn),
            level=3,
            k=COVER_SEGMENT,
            d=COVER_DMER,
        )
    except zstandard.ZstdError as exc:  # too few or too uniform samples
        log.info("No zstd dictionary trained (%s)", exc)
        return Trained(b"", 0.0, raw / max(plain, 1))
    with_dict = sum(len(zstd_compress(s, zdict)) for s in held)
    if with_dict > plain * MIN_GAIN:
        return Trained(b"", raw / max(with_dict, 1), raw / max(plain, 1))
    return Trained(zdict.as_bytes(), raw / max(with_dict, 1), raw / max(plain, 1))


@dataclass
class _Site:
    name: str
    dictionary: str = ""  # sha256 of the dictionary new bodies use
    baseline: float = 0.0  # raw/stored bytes of its first dict_min bodies (0: not yet known)
    samples: list[bytes] = field(default_factory=list)
    collecting: bool = True
    training: Future[Trained] | None = None
    recent: deque[tuple[int, int]] = field(default_factory=deque)  # (raw, stored) bytes
    skip: int = 0  # pages to store before collecting again (a dictionary did not help)


class Learner:
    """Per-site dictionaries of one store, thread-safe. `encode` is what `put` calls."""

    def __init__(
        self,
        store: DictionaryStore,
        *,
        learn: bool = True,
        dict_min: int | None = None,
        retrain_drop: float | None = None,
        trainer: Executor | None = None,
    ) -> None:
        self.store = store
        self.learn = learn
        self.dict_min = dict_min if dict_min is not None else dict_min_from_env()
        self.retrain_drop = retrain_drop if retrain_drop is not None else retrain_drop_from_env()
        self.trainer = trainer  # None: train in the calling thread
        self._sites: dict[str, _Site] | None = None
        self._held = 0  # sample bytes held, all sites
        self._lock = threading.Lock()

    def _site(self, name: str) -> _Site:
        """The site's state; on first use, the newest stored dictionary of every site."""
        if self._sites is None:
            newest: dict[str, tuple[str, str, float]] = {}
            for meta in self.store.dicts():
                site, when = meta.get("site", ""), meta.get("trained_at", "")
                if site and (site not in newest or when >= newest[site][0]):
                    newest[site] = (when, meta["sha256"], float(meta.get("ratio") or 0))
            self._sites = {}
            for site, (_, sha, ratio) in newest.items():
                self._sites[site] = _Site(site, sha, ratio, collecting=False)
        if name not in self._sites:
            self._sites[name] = _Site(name)
        return self._sites[name]

    def encode(self, body: bytes, meta: dict[str, str]) -> tuple[bytes, dict[str, str]]:
        """The stored bytes of a body and the codec keys for its metadata."""
        name = meta.get("site", "") if self.learn else ""
        if not name:
            return zstd_compress(body), {CODEC: "zstd"}
        with self._lock:
            site = self._site(name)
            self._install(site)
            dictionary = site.dictionary
            if _sample_worthy(meta):
                self._collect(site, body)
        zdict = compress_dict(self.store, dictionary, site=name) if dictionary else None
        data = zstd_compress(body, zdict)
        if zdict is not None:
            with self._lock:
                self._watch(site, dictionary, len(body), len(data))
            return data, {CODEC: "zstd", DICT: dictionary}
        return data, {CODEC: "zstd"}

    def _collect(self, site: _Site, body: bytes) -> None:
        if site.skip:
            site.skip -= 1
            return
        if not site.collecting or site.training is not None:
            return
        sample = body[:SAMPLE_BYTES]
        if self._held + len(sample) > SAMPLES_BUDGET:
            return
        site.samples.append(sample)
        self._held += len(sample)
        if len(site.samples) < self.dict_min:
            return
        samples, site.samples = site.samples, []
        self._held -= sum(map(len, samples))
        site.collecting = False
        if self.trainer is None:
            done: Future[Trained] = Future()
            done.set_result(train(samples))
            site.training = done
            self._install(site)
        else:
            site.training = self.trainer.submit(train, samples)

    def _install(self, site: _Site) -> None:
        """Store and start using a dictionary whose training has finished."""
        if site.training is None or not site.training.done():
            return
        future, site.training = site.training, None
        try:
            trained = future.result()
        except Exception as exc:  # noqa: BLE001 - a failed training leaves plain zstd
            log.warning("Training a zstd dictionary for %s failed: %r", site.name, exc)
            trained = Trained(b"", 0.0, 0.0)
        if not trained.data:
            site.skip, site.collecting = RETRY_AFTER * self.dict_min, True
            log.info("No zstd dictionary for %s: it did not beat plain zstd", site.name)
            return
        sha = sha256_hex(trained.data)
        meta = {
            "sha256": sha,
            "site": site.name,
            "dict_id": str(zstandard.ZstdCompressionDict(trained.data).dict_id()),
            "trained_at": utc_now(),
            "samples": str(self.dict_min - HELD_OUT),
            "ratio": f"{trained.ratio:.3f}",
            "plain_ratio": f"{trained.plain_ratio:.3f}",
            "replaces": site.dictionary,
        }
        try:
            self.store.put_dict(sha, trained.data, meta)  # before any body names it
        except BlobStoreError as exc:
            log.warning("%s; trying again with the site's next page", exc)
            site.training = future
            return
        site.dictionary, site.baseline = sha, 0.0  # set by its first dict_min bodies
        site.recent.clear()
        log.info(
            "zstd dictionary %s for %s: held-out pages %.1fx smaller (plain zstd %.1fx)",
            sha[:12],
            site.name,
            trained.ratio,
            trained.plain_ratio,
        )

    def _watch(self, site: _Site, dictionary: str, raw: int, stored: int) -> None:
        """Retrain when the site's recent bodies compress much worse than the baseline."""
        if dictionary != site.dictionary or site.collecting or site.training is not None:
            return
        site.recent.append((raw, stored))
        if len(site.recent) > self.dict_min:
            site.recent.popleft()
        if len(site.recent) < self.dict_min:
            return
        ratio = sum(r for r, _ in site.recent) / max(sum(s for _, s in site.recent), 1)
        if not site.baseline:
            site.baseline = ratio
        elif ratio < site.baseline * (1 - self.retrain_drop):
            log.info(
                "%s: recent pages compress %.1fx against %.1fx when its dictionary was trained: "
                "training a new one",
                site.name,
                ratio,
                site.baseline,
            )
            site.collecting = True
            site.recent.clear()

    def wait(self) -> None:
        """Finish pending training (tests, `recompress`): the next `encode` installs it."""
        with self._lock:
            futures = [s.training for s in (self._sites or {}).values() if s.training]
        for future in futures:
            future.exception()
        with self._lock:
            for site in (self._sites or {}).values():
                self._install(site)


def _sample_worthy(meta: dict[str, str]) -> bool:
    """Pages only: an image or a 404 page would teach the dictionary the wrong bytes."""
    ctype = meta.get("content_type", "").lower()
    return meta.get("status", "200") in ("", "200") and (not ctype or "html" in ctype)
