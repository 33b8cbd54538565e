"""Model files: a network, its training configuration and history in one ``.npz`` — never a pickle.

Layout (format ``nnviz-model``, version 1): ``format`` and ``config`` are strings (the config is JSON),
``sizes`` int64 ``(L + 1,)``, ``params`` float32 (the network's flat parameters, see ``Network``),
``costs`` float32 and ``cost_samples`` int64 (one per mini-batch), ``test_accuracy`` float64 ``(k, 2)``
rows of (samples seen, accuracy). Optional (older files lack them and still load): ``cost_first`` and the
``cost_envelope*`` members (the summary of a long run's older costs, see ``history.py``) and the ``recording_*``
members (the run's checkpoints, see ``recording.py``). Saving goes through a temporary file and a rename, so a
crash or a full disk never leaves half a model where a good one was. Reading never trusts the file: see
:func:`read_model`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .architecture import ArchitectureError, check_mnist, describe, parameter_count
from .atomic import write_atomically, write_problem
from .history import History
from .network import DTYPE, Network
from .npz import FileProblem, NpzReader
from .recording import Recording, read_recording, recording_members
from .training import TrainConfig

FORMAT = "nnviz-model"
VERSION = 1
SMALL_MEMBER = 1 << 20  # bytes the format tag, version, config, sizes and the cost summary may declare
#: the optional summary of a long run's older costs (see history.py): at most 1,024 buckets, a few dozen KB
SUMMARY_MEMBERS = ("cost_first", "cost_envelope_size", "cost_envelope", "cost_envelope_steps", "cost_envelope_samples")


class ModelFileError(Exception):
    """A model file could not be read or written; the message names the file and the problem."""


@dataclass
class ModelFile:
    """What a model file holds: the network, the training config (a dict) and the history."""

    network: Network
    config: dict = field(default_factory=dict)
    costs: np.ndarray = field(default_factory=lambda: np.empty(0, np.float32))
    cost_samples: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    test_accuracy: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))
    history: History | None = None  #: the costs as a bounded History (with the summary of long runs)
    recording: Recording | None = None  #: the run's checkpoints, if it was recorded


def save_model(network: Network, path, config: dict | None = None, costs=None, cost_samples=None,
               test_accuracy=None, *, history: History | None = None, recording: Recording | None = None) -> Path:
    """Write ``network`` (and optionally its training ``config`` and history) to ``path`` atomically.

    ``history`` (a bounded :class:`History`) stands for ``costs``, ``cost_samples`` and ``test_accuracy`` and
    also keeps the summary of its older costs; ``recording`` adds the run's checkpoints. The config's architecture
    fields are the network's own, so the two never disagree. A ``path`` that is a symbolic link is written through
    to its target (the link stays).
    """
    path = Path(path)
    cfg = dict(config or {})
    cfg.update(network.config())
    extra = {} if history is None else history.to_members()
    if history is not None:
        costs, cost_samples = extra.pop("costs"), extra.pop("cost_samples")
        test_accuracy = history.test_accuracy if test_accuracy is None else test_accuracy
    if recording is not None:
        extra.update(recording_members(recording))
    costs = np.asarray(costs if costs is not None else [], np.float32)
    cost_samples = np.asarray(cost_samples if cost_samples is not None else np.arange(1, len(costs) + 1), np.int64)
    acc = np.asarray(test_accuracy if test_accuracy is not None and len(test_accuracy) else np.empty((0, 2)),
                     np.float64).reshape(-1, 2)
    try:
        write_atomically(path, lambda f: np.savez(
            f, format=np.str_(FORMAT), version=np.int64(VERSION), config=np.str_(json.dumps(cfg)),
            sizes=np.asarray(network.sizes, np.int64), params=network.params,
            costs=costs, cost_samples=cost_samples, test_accuracy=acc, **extra))
    except OSError as e:
        raise ModelFileError(f"cannot write {path}: {write_problem(e)}. Nothing was overwritten.") from None
    return path


def read_model(path) -> ModelFile:
    """Read and validate a model file; raise :class:`ModelFileError` with a plain reason if it is not one.

    Only the members above are read, each after its header was checked: the declared ``sizes`` must be an MNIST
    network nnviz can hold (:func:`.architecture.check_mnist`) and ``params`` must declare exactly that network's
    parameter count before anything is allocated; weights must be finite once cast to float32. The config's
    values are type-checked as a :class:`.training.TrainConfig`; where its ``sizes`` disagree with the ``sizes``
    member, the member wins (it is what the parameters were laid out by) and the returned config says so.
    """
    path = Path(path)
    try:
        with NpzReader(path) as f:
            return _read(f, path)
    except FileProblem as e:
        raise ModelFileError(f"{path} {e}. Choose a model file saved by nnviz (.npz).") from None


def _read(f: NpzReader, path: Path) -> ModelFile:
    def bad(why: str) -> ModelFileError:
        return ModelFileError(f"{path} is not a valid nnviz model: {why}.")

    def small(key: str, kinds: str, what: str) -> np.ndarray:
        m = f.header(key)
        if m.dtype.kind not in kinds or m.nbytes > SMALL_MEMBER:
            raise bad(f"its '{key}' entry should be {what}, not {_declared(m)}")
        return f.read(key)

    if "format" not in f.names or str(small("format", "U", "the text nnviz-model")) != FORMAT:
        raise bad("it has no nnviz-model format tag (is it a dataset or another program's file?)")
    if "version" in f.names:
        version = small("version", "iu", "a whole number")
        if version.size != 1:
            raise bad(f"its 'version' entry should be one whole number, not {version.size} of them")
        if int(version.reshape(-1)[0]) > VERSION:
            raise bad(f"it was written by a newer nnviz (format version {int(version.reshape(-1)[0])})")
    for key in ("config", "sizes", "params"):
        if key not in f.names:
            raise bad(f"the '{key}' entry is missing")
    sizes = small("sizes", "iu", "a list of whole numbers")
    if sizes.ndim != 1:
        raise bad(f"layer sizes {sizes.tolist()} are not a list of positive integers")
    try:
        sizes = check_mnist(sizes.tolist())
    except ArchitectureError as e:
        raise bad(str(e)) from None
    try:
        cfg = json.loads(str(small("config", "U", "JSON text")))
        assert isinstance(cfg, dict)
    except (ValueError, AssertionError, RecursionError):
        raise bad("its configuration is not a JSON object") from None
    try:  # the sizes member wins over the config's (see the docstring)
        config = TrainConfig.from_dict({**cfg, "sizes": sizes})
    except ValueError as e:
        raise bad(f"its configuration is wrong: {e}") from None
    cfg["sizes"] = list(sizes)
    m = f.header("params")
    count = parameter_count(sizes)
    if m.dtype.kind != "f" or m.shape != (count,):
        raise bad(f"a {describe(sizes)} network has {count:,} parameters, the file holds "
                  f"{math.prod(m.shape):,} ({m.dtype})")
    with np.errstate(over="ignore"):  # a float64 weight beyond float32's range becomes inf: refused just below
        params = f.read("params").astype(DTYPE)
    if not np.isfinite(params).all():
        raise bad("some weights are NaN or infinite (or too large for 32-bit floats)")
    net = Network(sizes, config.activation, config.output, config.cost, config.init, params=params)
    costs = _history(f, "costs", bad, np.float32, np.empty(0, np.float32)).ravel()
    samples = _history(f, "cost_samples", bad, np.int64, np.arange(1, len(costs) + 1)).ravel()
    if len(samples) != len(costs):
        raise bad("its cost history and sample counts differ in length")
    acc = _history(f, "test_accuracy", bad, np.float64, np.empty((0, 2)))
    if acc.size % 2:
        raise bad("its accuracy history is malformed")
    acc = acc.reshape(-1, 2)
    summary = {k: small(k, "iuf", "numbers") for k in SUMMARY_MEMBERS if k in f.names}
    try:
        history = History.from_members(summary, costs, samples)
        recording = read_recording(path, net.params.size)
    except ValueError as e:
        raise bad(str(e)) from None
    history.test_accuracy = [(int(s), float(a)) for s, a in acc]
    return ModelFile(net, cfg, costs, samples, acc, history, recording)


def _history(f: NpzReader, key: str, bad, dtype, default: np.ndarray) -> np.ndarray:
    """An optional history entry as ``dtype``: numbers only, its size checked (:data:`.npz.MEMBER_LIMIT`) first."""
    if key not in f.names:
        return default
    m = f.header(key)
    if m.dtype.kind not in "fiub":
        raise bad(f"its '{key}' entry should hold numbers, not {_declared(m)}")
    with np.errstate(all="ignore"):
        return f.read(key).astype(dtype)


def _declared(m) -> str:
    kind = {"U": "text", "S": "bytes", "V": "raw records", "M": "dates", "m": "time spans", "c": "complex numbers"}
    return f"{kind.get(m.dtype.kind, str(m.dtype))} of shape {m.shape}"


def load_model(path) -> Network:
    """Load the network stored in a model file (validated; see :func:`read_model` for the history too)."""
    return read_model(path).network
