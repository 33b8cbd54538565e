"""Model files: a network, its training configuration and history in one ``.npz`` — never a pickle.

Layout (format ``nnviz-model``, version 1): ``format`` and ``config`` are strings (the config is JSON),
``sizes`` int64 ``(L + 1,)``, ``params`` float32 (the network's flat parameters, see ``Network``),
``costs`` float32 and ``cost_samples`` int64 (one per mini-batch), ``test_accuracy`` float64 ``(k, 2)``
rows of (samples seen, accuracy). Optional (older files lack them and still load): ``cost_first`` and the
``cost_envelope*`` members (the summary of a long run's older costs, see ``history.py``) and the ``recording_*``
members (the run's checkpoints, see ``recording.py``). Saving goes through a temporary file and a rename, so a
crash or a full disk never leaves half a model where a good one was.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .atomic import write_atomically
from .history import History
from .network import DTYPE, Network
from .recording import PREFIX as RECORDING_PREFIX
from .recording import Recording, read_recording, recording_members

FORMAT = "nnviz-model"
VERSION = 1


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
    also keeps the summary of its older costs; ``recording`` adds the run's checkpoints.
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
        raise ModelFileError(f"cannot write {path}: {e.strerror or e} (is the disk full or read-only?). "
                             "Nothing was overwritten.") from None
    return path


def read_model(path) -> ModelFile:
    """Read and validate a model file; raise :class:`ModelFileError` with a plain reason if it is not one."""
    path = Path(path)
    try:
        f = np.load(path, allow_pickle=False)
        if not isinstance(f, np.lib.npyio.NpzFile):
            raise ModelFileError(f"{path} is a single NumPy array, not an nnviz model (.npz).")
        with f:
            arrays = {k: f[k] for k in f.files if not k.startswith(RECORDING_PREFIX)}  # read_recording checks it
    except ModelFileError:
        raise
    except FileNotFoundError:
        raise ModelFileError(f"{path} does not exist.") from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as e:
        raise ModelFileError(f"{path} is not a readable model file ({e or type(e).__name__}); "
                             "it may be truncated, corrupt or of another kind.") from None
    bad = lambda why: ModelFileError(f"{path} is not a valid nnviz model: {why}.")  # noqa: E731
    if str(arrays.get("format", "")) != FORMAT:
        raise bad("it has no nnviz-model format tag (is it a dataset or another program's file?)")
    if int(arrays.get("version", -1)) > VERSION:
        raise bad(f"it was written by a newer nnviz (format version {int(arrays['version'])})")
    for key in ("config", "sizes", "params"):
        if key not in arrays:
            raise bad(f"the '{key}' entry is missing")
    try:
        cfg = json.loads(str(arrays["config"]))
        assert isinstance(cfg, dict)
    except (ValueError, AssertionError):
        raise bad("its configuration is not a JSON object") from None
    sizes = arrays["sizes"]
    if sizes.ndim != 1 or len(sizes) < 2 or sizes.dtype.kind not in "iu" or sizes.min() < 1:
        raise bad(f"layer sizes {sizes.tolist()} are not a list of positive integers")
    params = arrays["params"]
    try:
        net = Network(sizes.tolist(), cfg.get("activation", "sigmoid"), cfg.get("output", "sigmoid"),
                      cfg.get("cost", "quadratic"), cfg.get("init", "normal"), seed=None)
    except ValueError as e:
        raise bad(str(e)) from None
    if params.dtype.kind != "f" or params.shape != net.params.shape:
        raise bad(f"a {'-'.join(map(str, sizes.tolist()))} network has {net.params.size:,} parameters, "
                  f"the file holds {params.size:,} ({params.dtype})")
    if not np.isfinite(params).all():
        raise bad("some weights are NaN or infinite")
    net.set_params(params.astype(DTYPE))
    costs = arrays.get("costs", np.empty(0, np.float32)).astype(np.float32).ravel()
    samples = arrays.get("cost_samples", np.arange(1, len(costs) + 1)).astype(np.int64).ravel()
    if len(samples) != len(costs):
        raise bad("its cost history and sample counts differ in length")
    acc = arrays.get("test_accuracy", np.empty((0, 2)))
    if acc.size % 2:
        raise bad("its accuracy history is malformed")
    acc = acc.astype(np.float64).reshape(-1, 2)
    try:
        history = History.from_members(arrays, costs, samples)
        recording = read_recording(path, net.params.size)
    except ValueError as e:
        raise bad(str(e)) from None
    history.test_accuracy = [(int(s), float(a)) for s, a in acc]
    return ModelFile(net, cfg, costs, samples, acc, history, recording)


def load_model(path) -> Network:
    """Load the network stored in a model file (validated; see :func:`read_model` for the history too)."""
    return read_model(path).network
