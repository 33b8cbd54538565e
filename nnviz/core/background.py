"""The landscape's and the dreams' computations, off the window's thread: spawned worker processes, newest wins.

A surface takes a few hundred milliseconds of NumPy; on the window's thread that would freeze it, and in a thread
it would hold the GIL the window needs. So :class:`LatestJobs` hands each computation to a small
``ProcessPoolExecutor`` (``spawn``: a clean interpreter, no Qt inherited) and never waits for it: the caller polls.
Only the newest request of each kind matters — a surface of weights that training has already left behind is
worth nothing — so while one job of a kind runs, a newer request of that kind replaces any older one still waiting.

Jobs are the module-level ``*_job`` functions below; they take plain values (a network's ``config()`` and flat
``params``), so they cross to the worker cheaply. The fixed sample of images is written once to a temporary file
(:meth:`LatestJobs.share`) and each worker reads it once.
"""

from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .dreams import digit_dreams, neuron_dream
from .landscape import Sample, TwoWeights, gradient_slice
from .network import Network
from .blas import BLAS_THREAD_VARS, one_blas_thread  # noqa: F401 - BLAS_THREAD_VARS: tests read it here
from .surface import network_surface

@dataclass(frozen=True)
class SharedSample:
    """A :class:`Sample` written to a file once, so that jobs carry its name instead of its 3 MB."""

    path: str

    def load(self) -> Sample:
        """The sample (read once per worker process, then kept)."""
        if self.path not in _LOADED:
            with np.load(self.path, allow_pickle=False) as f:
                _LOADED.clear()  # one sample at a time is all a worker needs
                _LOADED[self.path] = Sample(f["x"], f["y"])
        return _LOADED[self.path]


_LOADED: dict[str, Sample] = {}


def _network(config: dict, params: np.ndarray) -> Network:
    return Network(**config, params=params)


# --- the jobs (run in a worker) ---------------------------------------------------------------------------------
def gradient_slice_job(config: dict, params: np.ndarray, sample: SharedSample, learning_rate: float):
    """:func:`~nnviz.core.landscape.gradient_slice` of the network ``config``/``params``."""
    return gradient_slice(_network(config, params), sample.load(), learning_rate)


def two_weights_job(config: dict, params: np.ndarray, sample: SharedSample, first, second, span: float, points: int):
    """The two-weight surface (:class:`~nnviz.core.landscape.TwoWeights`) of the network ``config``/``params``."""
    return TwoWeights(_network(config, params), sample.load(), first, second).surface(span, points)


def surface_job(config: dict, params: np.ndarray, sample: SharedSample, kind: str, trajectory, steps, points: int,
                seed: int):
    """:func:`~nnviz.core.surface.network_surface` of the network ``config``/``params``."""
    return network_surface(_network(config, params), sample.load(), kind, trajectory, steps, points, seed)


def dreams_job(config: dict, params: np.ndarray, start: str, smoothness: float):
    """The ten digits' dreams (:func:`~nnviz.core.dreams.digit_dreams`)."""
    return digit_dreams(_network(config, params), start=start, smoothness=smoothness)


def neuron_dream_job(config: dict, params: np.ndarray, layer: int, unit: int, start: str, smoothness: float):
    """One neuron's dream (:func:`~nnviz.core.dreams.neuron_dream`)."""
    return neuron_dream(_network(config, params), layer, unit, start=start, smoothness=smoothness)


WORKER_NICENESS = 10


def _lower_priority() -> None:
    """Run the worker below training and the window: when the cores are busy, they get them first."""
    if hasattr(os, "nice"):
        try:
            os.nice(WORKER_NICENESS)
        except OSError:
            pass


def _timed(fn, args):
    t0 = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - t0


@dataclass(frozen=True)
class Finished:
    """A job that has ended: its ``result``, or ``error`` (one line), and the ``seconds`` it computed for."""

    key: str
    result: object
    error: str | None
    seconds: float


class LatestJobs:
    """Runs named jobs in worker processes; the newest request of each name wins; nothing here ever blocks.

    ``processes=False`` runs them in threads instead (tests, or where a process cannot start).
    """

    def __init__(self, workers: int = 2, processes: bool = True):
        self.workers, self.processes = workers, processes
        self._executor = None
        self._running: dict[str, Future] = {}
        self._waiting: dict[str, tuple] = {}
        self._tmp = tempfile.TemporaryDirectory(prefix="nnviz-landscape-")
        self._shared = 0
        self.closed = False  #: after close(): requests are ignored (an event can still arrive as a window closes)

    def _pool(self):
        if self._executor is None:
            if self.processes:
                import multiprocessing

                self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                     initializer=_lower_priority)
            else:
                self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="nnviz-landscape")
        return self._executor

    def share(self, sample: Sample) -> SharedSample:
        """Write ``sample`` where the workers can read it; pass the handle to the jobs."""
        self._shared += 1
        path = Path(self._tmp.name) / f"sample-{self._shared}.npz"
        if self.closed:  # the folder is gone: nothing will read the sample
            return SharedSample(str(path))
        np.savez(path, x=sample.x, y=sample.y)
        return SharedSample(str(path))

    def submit(self, key: str, fn, *args) -> None:
        """Run ``fn(*args)`` as job ``key``: now if no ``key`` job is running, else after it (replacing an older wait)."""
        if self.closed:
            return
        if key in self._running:
            self._waiting[key] = (fn, args)
            return
        with one_blas_thread():  # the pool starts its processes on demand, inside some submit
            self._running[key] = self._pool().submit(_timed, fn, args)

    def busy(self, key: str) -> bool:
        """Whether a ``key`` job is running or waiting."""
        return key in self._running or key in self._waiting

    def poll(self, keys=None) -> list[Finished]:
        """The jobs (of ``keys``, or all) that have ended since the last call; waiting ones then start.

        Panels sharing one ``LatestJobs`` each poll their own keys, so none takes another's results.
        """
        done = []
        for key, future in list(self._running.items()):
            if not future.done() or (keys is not None and key not in keys):
                continue
            del self._running[key]
            try:
                result, seconds = future.result()
                done.append(Finished(key, result, None, seconds))
            except BrokenProcessPool:  # the worker died (or could not start): carry on in threads
                self._fall_back_to_threads()
                done.append(Finished(key, None, "the background process stopped; continuing in a thread", 0.0))
            except Exception as e:  # a job's failure is reported to its view, never raised in the window
                done.append(Finished(key, None, f"{type(e).__name__}: {e}", 0.0))
            if key in self._waiting:
                fn, args = self._waiting.pop(key)
                self.submit(key, fn, *args)
        return done

    def _fall_back_to_threads(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor, self.processes = None, False

    def close(self) -> None:
        """Stop the workers (a running job is abandoned, not waited for) and remove the shared files."""
        self.closed = True
        self._waiting.clear()
        self._running.clear()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
        self._tmp.cleanup()


class Recompute:
    """One kind of job a view needs, and when to ask for it again: when what it depends on has changed (``state``),
    no such job is under way, at most every ``min_interval`` seconds, and rarely enough that computing it takes at
    most ``duty`` of the time (a 0.3 s surface at duty 0.1 is recomputed every 3 s at most)."""

    def __init__(self, key: str, min_interval: float, duty: float = 0.1):
        self.key, self.min_interval, self.duty = key, min_interval, duty
        self.asked_for = None  # the state of the last request
        self._next = 0.0

    def wanted(self, state, jobs: LatestJobs, now: float | None = None) -> bool:
        """Whether to ask for a job for ``state`` now."""
        now = time.monotonic() if now is None else now
        return state != self.asked_for and not jobs.busy(self.key) and now >= self._next

    def asked(self, state, now: float | None = None) -> None:
        """A job for ``state`` has just been submitted."""
        self.asked_for = state
        self._next = (time.monotonic() if now is None else now) + self.min_interval

    def submit_if_wanted(self, state, jobs: LatestJobs, fn, *args) -> bool:
        """Submit ``fn(*args)`` as this kind's job for ``state`` if :meth:`wanted`; say whether it was."""
        if not self.wanted(state, jobs):
            return False
        self.asked(state)
        jobs.submit(self.key, fn, *args)
        return True

    def finished(self, seconds: float, now: float | None = None) -> None:
        """The job computed for ``seconds``: the next one waits until that is a ``duty`` share of the time."""
        now = time.monotonic() if now is None else now
        self._next = max(self._next, now + seconds * (1.0 / self.duty - 1.0))

    def now(self) -> None:
        """The user asked for something new (other weights, another neuron): no waiting for the next turn."""
        self._next = 0.0
        self.asked_for = None
