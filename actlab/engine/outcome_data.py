"""The data an expected outcome is about (``guide.expect[].data``), and whether a run has it.

A claim such as "linear stays below 75 %" is about one network *on the lab's data set*:
judged on a student's own images or drawn curve it says nothing, however it comes out.
:class:`DataClaim` records the data set a claim was written for; :meth:`DataClaim.mismatch`
says, in words, why a run's data is another one ("" when it is the same).

**What counts** (the choice, and why):

* the kind of data and, for generated data, the ``generator`` and its ``noise`` (images:
  also ``size``): these say *which problem* the network is given.  Noise changes the
  problem (how far the classes overlap, how far the points scatter around the curve), and
  a claim's threshold was checked at the lab's noise only, so any other noise, even a
  little, is another data set;
* for data of one's own — custom points, a drawn or imported curve, images from a file —
  the data itself: points by a SHA-256 digest of their values (training and test apart,
  the problem with them), images from a file by the file's path (a path the lab file
  wrote relative to its folder matches the same path under any folder), and images the
  student drew (``added``) by a digest of their classes and ink levels;
* **not** the data ``seed``, ``n_points``, ``per_class`` or ``train_fraction``: they pick
  which points are drawn from the same data set and how many.  The tests check every
  preset's claims over five data seeds, and a student who trains on fewer points and
  misses the outcome sees ✘, which is what happened (as for the training settings).

NumPy and the standard library only.
"""
from __future__ import annotations

import hashlib
import math
import os
from dataclasses import dataclass

import numpy as np

#: How close two noise levels must be to count as the same (the GUI steps by 1 %).
NOISE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class DataClaim:
    """The data set an expectation is about (see the module docstring for what counts).

    ``kind`` "points", "functions" or "images"; ``generator`` a generator name, "custom"
    (points of one's own) or None (images from ``source``, ``(type, path)``); ``noise``
    and ``size`` (images) for generated data; ``points`` ``(n_train, n_test, digest)``
    for custom data; ``added`` ``(n_images, digest)`` for drawn images (None: none)."""

    kind: str = "points"
    generator: str | None = None
    noise: float | None = None
    size: int | None = None
    source: tuple[str, str] | None = None
    points: tuple[int, int, str] | None = None
    added: tuple[int, str] | None = None

    # -------------------------------------------------------------- from / to JSON
    @classmethod
    def from_dict(cls, d: dict) -> "DataClaim":
        """The claim of ``d`` as :meth:`to_dict` writes it (checked by the lab file
        reader, :mod:`actlab.labfile.guide`)."""
        kind = str(d.get("kind", "points"))
        source = d.get("source")
        if source is not None:
            ((stype, path),) = source.items()
            source = (str(stype), str(path))
        pts, added = d.get("points"), d.get("added")
        return cls(kind, None if d.get("generator") is None else str(d["generator"]),
                   None if d.get("noise") is None else float(d["noise"]),
                   None if d.get("size") is None else int(d["size"]), source,
                   None if pts is None else (int(pts["train"]), int(pts["test"]),
                                             str(pts["sha256"])),
                   None if added is None else (int(added["images"]), str(added["sha256"])))

    def to_dict(self) -> dict:
        d: dict = {} if self.kind == "points" else {"kind": self.kind}
        if self.source is not None:
            d["source"] = {self.source[0]: self.source[1]}
        if self.generator is not None:
            d["generator"] = self.generator
        if self.size is not None:
            d["size"] = self.size
        if self.noise is not None:
            d["noise"] = self.noise
        if self.points is not None:
            n_train, n_test, digest = self.points
            d["points"] = {"train": n_train, "test": n_test, "sha256": digest}
        if self.added is not None:
            d["added"] = {"images": self.added[0], "sha256": self.added[1]}
        return d

    # -------------------------------------------------------------- matching
    def mismatch(self, spec) -> str:
        """Why the data ``spec`` (a Lab's ``data``) is not the data set of this claim, in
        words; "" when it is."""
        if spec is None or self.same(spec):
            return ""
        return (f"this outcome is about the lab's data set ({self.words()}); "
                f"yours is {data_words(spec)}")

    def same(self, spec) -> bool:
        return _same_claim(self, data_claim(spec, digest=False), spec)

    def words(self) -> str:
        """The data set in words: "Circle, no noise", "200 points of its own"."""
        return _words(self, "its own")


def _same_claim(claim: DataClaim, cheap: DataClaim, spec) -> bool:
    """``claim`` against the run's claim ``cheap`` (made without digests: those are
    computed, once per data spec, only when everything else agrees)."""
    if (claim.kind, claim.generator) != (cheap.kind, cheap.generator):
        return False
    if claim.size != cheap.size or not _same_noise(claim.noise, cheap.noise):
        return False
    if (claim.source is None) != (cheap.source is None) or (
            claim.source is not None and not _same_source(claim.source, cheap.source)):
        return False
    if (claim.added is None) != (cheap.added is None):
        return False
    if claim.points is not None and (cheap.points is None or
                                     claim.points[:2] != cheap.points[:2]):
        return False
    if claim.added is not None and claim.added[0] != cheap.added[0]:
        return False
    if claim.points is None and claim.added is None:
        return True
    full = data_claim(spec)
    return claim.points == full.points and claim.added == full.added


def _same_noise(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=0.0, abs_tol=NOISE_TOLERANCE)


def _parts(path: str) -> list[str]:
    parts = os.path.normpath(os.path.expanduser(path)).replace("\\", "/").split("/")
    return [p for p in parts if p not in ("", ".", "..")]


def _same_source(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """The same type and the same file: a path written relative to the lab file's folder
    matches the absolute path it was resolved to (its parts end the other's)."""
    if a[0] != b[0]:
        return False
    pa, pb = _parts(a[1]), _parts(b[1])
    if os.path.isabs(os.path.expanduser(a[1])) and os.path.isabs(os.path.expanduser(b[1])):
        return pa == pb
    k = min(len(pa), len(pb))
    return k > 0 and pa[-k:] == pb[-k:]


# ------------------------------------------------------------------ a spec's claim

def data_claim(spec, digest: bool = True) -> DataClaim:
    """The claim a lab file pins to its own ``data`` (a DataSpec, FunctionDataSpec or
    ImageDataSpec).  ``digest`` False leaves the digests empty (cheap)."""
    kind = spec.kind
    if kind == "images":
        added = getattr(spec, "added", ()) or ()
        added_claim = (len(added), _added_digest(spec) if digest else "") if added else None
        if spec.source is not None:
            return DataClaim(kind, None, None, int(spec.size), tuple(spec.source),
                             added=added_claim)
        return DataClaim(kind, spec.generator, float(spec.noise), int(spec.size),
                         added=added_claim)
    if spec.is_custom:
        train, test = _custom_points(spec)
        return DataClaim(kind, "custom", points=(len(train), len(test),
                                                 _points_digest(spec) if digest else ""))
    return DataClaim(kind, spec.generator, float(spec.noise))


def _custom_points(spec) -> tuple[tuple, tuple]:
    if spec.kind == "functions":
        train, test = spec.points or ((), ())
        return tuple(train), tuple(test or ())
    return tuple(spec.train_points or ()), tuple(spec.test_points or ())


# Digests of the specs seen last, by identity (a spec is frozen): the guide checks a
# run a few times a second, and hashing 100,000 points each time would show.
_DIGESTS: dict[tuple[int, str], tuple[object, str]] = {}
_MAX_CACHED = 8


def _cached(spec, what: str, make) -> str:
    key = (id(spec), what)
    hit = _DIGESTS.get(key)
    if hit is not None and hit[0] is spec:
        return hit[1]
    value = make()
    if len(_DIGESTS) >= _MAX_CACHED:
        _DIGESTS.pop(next(iter(_DIGESTS)))
    _DIGESTS[key] = (spec, value)
    return value


def _points_digest(spec) -> str:
    def make() -> str:
        h = hashlib.sha256(f"{spec.kind} {spec.problem}".encode())
        width = 2 if spec.kind == "functions" else 3
        for part in _custom_points(spec):
            a = np.ascontiguousarray(np.asarray(part, dtype="<f8").reshape(-1, width))
            h.update(f"|{len(a)}|".encode())
            h.update((a + 0.0).tobytes())  # + 0.0: -0.0 and 0.0 are the same point
        return h.hexdigest()
    return _cached(spec, "points", make)


def _added_digest(spec) -> str:
    def make() -> str:
        h = hashlib.sha256(b"added")
        for label, pixels in spec.added:
            # the ink levels a lab file keeps (0..255), so a saved lab digests the same
            levels = np.rint(np.clip(np.asarray(pixels, dtype=float), 0, 1) * 255)
            h.update(f"|{int(label)}|{levels.size}|".encode())
            h.update(levels.astype(np.uint8).tobytes())
        return h.hexdigest()
    return _cached(spec, "added", make)


# ------------------------------------------------------------------ words

def data_words(spec) -> str:
    """A run's data in words: "Circle, 30 % noise", "57 points of your own"."""
    return _words(data_claim(spec, digest=False), "your own")


def _noise_words(noise: float | None) -> str:
    if not noise:
        return "no noise"
    return f"{100 * noise:.3g}\u00a0% noise"


def _title(kind: str, generator: str) -> str:
    if kind == "images":
        from actlab.engine.data.images import IMAGE_GENERATORS
        info = IMAGE_GENERATORS.get(generator)
        return info.title.split(":")[0] if info else generator
    if kind == "functions":
        from actlab.engine.data.functions import FUNCTION_GENERATORS
        info = FUNCTION_GENERATORS.get(generator)
    else:
        from actlab.engine.data.points import GENERATORS
        info = GENERATORS.get(generator)
    return info.title if info else str(generator)


def _words(c: DataClaim, whose: str) -> str:
    if c.points is not None:
        n = c.points[0] + c.points[1]
        what = f"{n} point{'s' * (n != 1)} of {whose}"
        return f"a curve of {what}" if c.kind == "functions" else what
    if c.source is not None:
        name = os.path.basename(os.path.normpath(c.source[1])) or c.source[1]
        text = f"the images of {name}, {c.size} px"
    else:
        text = f"{_title(c.kind, c.generator)}, "
        text += f"{c.size} px, " if c.size is not None else ""
        text += _noise_words(c.noise)
    if c.added is not None:
        n = c.added[0]
        text += f", and {n} drawn image{'s' * (n != 1)}"
    return text
