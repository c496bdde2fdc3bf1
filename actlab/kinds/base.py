"""What ActLab knows about one kind of lab without Qt: a :class:`LabKind` record per kind,
listed in :mod:`.registry` and looked up by ``Lab.kind`` — one place that answers "which
kind is this?", instead of a branch in every caller."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from actlab.lab import Lab


@dataclass(frozen=True)
class LabKind:
    """One kind of lab (points, functions, images).

    ``name`` is ``Lab.kind``; ``data_noun`` what its data are called in messages ("points",
    "images"); ``fixed_problem`` None when the student chooses the problem (classify or
    fit), else the sentence saying why this kind cannot; ``lab_data(lab, path)`` returns ``(lab, dataset)`` ready to train — the lab
    perhaps fitted to its data (an image lab records its classes), the dataset what the
    trainer takes — reading files relative to the lab file at ``path``, or raises
    ValueError with a message for the user."""

    name: str
    title: str
    data_noun: str
    lab_data: Callable[[Lab, str | None], tuple[Lab, Any]]
    fixed_problem: str | None = None
