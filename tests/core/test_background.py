"""Background jobs: the newest request of a kind wins, failures come back as words, a real worker process works."""

import os
import threading
import time

import numpy as np
import pytest

from nnviz.core import background
from nnviz.core.background import LatestJobs, gradient_slice_job, one_blas_thread
from nnviz.core.landscape import Sample, gradient_slice
from nnviz.core.network import Network

_gate = threading.Event()


def _held(value):
    """A job that waits for the test to let it finish."""
    _gate.wait(5)
    return value


def _fails():
    raise ValueError("no such weight")


def wait_for(jobs, n, timeout=30.0):
    """Poll until n jobs have finished (never blocking inside the jobs object)."""
    done, t0 = [], time.monotonic()
    while len(done) < n and time.monotonic() - t0 < timeout:
        done += jobs.poll()
        time.sleep(0.005)
    return done


def test_newest_request_of_a_kind_wins():
    """While a job runs, newer requests of its kind replace each other; only the last one runs after it."""
    jobs = LatestJobs(processes=False)
    _gate.clear()
    try:
        jobs.submit("surface", _held, 1)
        jobs.submit("surface", _held, 2)
        jobs.submit("surface", _held, 3)
        assert jobs.busy("surface") and not jobs.busy("slice")
        assert jobs.poll() == []  # nothing has finished, and poll did not wait
        _gate.set()
        done = wait_for(jobs, 2)
        assert [f.result for f in done] == [1, 3]
        assert all(f.error is None and f.seconds >= 0 for f in done)
        assert not jobs.busy("surface")
    finally:
        _gate.set()
        jobs.close()


def test_a_failing_job_reports_one_line():
    """A job's exception comes back as a short message for its view, never raised by poll."""
    jobs = LatestJobs(processes=False)
    try:
        jobs.submit("two weights", _fails)
        (done,) = wait_for(jobs, 1)
        assert done.result is None and done.error == "ValueError: no such weight"
    finally:
        jobs.close()


def test_a_worker_process_computes_the_slice(rng):
    """A spawned worker (one BLAS thread) reads the shared sample and returns the same slice as computed here."""
    net = Network((784, 8, 10), seed=1)
    sample = Sample.from_images(rng.integers(0, 256, (50, 28, 28)).astype(np.uint8), rng.integers(0, 10, 50))
    jobs = LatestJobs(workers=1)
    try:
        shared = jobs.share(sample)
        jobs.submit("slice", gradient_slice_job, net.config(), net.params, shared, 0.5)
        (done,) = wait_for(jobs, 1, timeout=60)
        assert done.error is None
        np.testing.assert_allclose(done.result.costs, gradient_slice(net, sample, 0.5).costs, rtol=1e-5)
    finally:
        jobs.close()


def test_one_blas_thread_restores_the_environment(monkeypatch):
    """The BLAS variables are 1 inside the block and what they were after it (set or absent)."""
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    with one_blas_thread():
        assert all(os.environ[k] == "1" for k in background.BLAS_THREAD_VARS)
    assert os.environ["OPENBLAS_NUM_THREADS"] == "4" and "OMP_NUM_THREADS" not in os.environ


def test_shared_sample_round_trips(rng):
    """The sample written for the workers reads back identical."""
    sample = Sample.from_images(rng.uniform(0, 1, (5, 784)), np.arange(5))
    jobs = LatestJobs(processes=False)
    try:
        back = jobs.share(sample).load()
        np.testing.assert_array_equal(back.x, sample.x)
        np.testing.assert_array_equal(back.y, sample.y)
    finally:
        jobs.close()
    with pytest.raises(FileNotFoundError):  # closing removes the files
        background.SharedSample(str(jobs._tmp.name) + "/sample-9.npz").load()


def test_recompute_waits_for_change_turn_and_idle():
    """A job is wanted only when its state changed, none is under way, its interval passed and its duty allows."""
    from nnviz.core.background import Recompute

    jobs = LatestJobs(processes=False)
    try:
        r = Recompute("slice", min_interval=0.25, duty=0.1)
        assert r.wanted(1, jobs, now=0.0)
        r.asked(1, now=0.0)
        assert not r.wanted(1, jobs, now=10.0)  # nothing changed
        assert not r.wanted(2, jobs, now=0.1)  # too soon
        assert r.wanted(2, jobs, now=0.3)
        r.finished(0.2, now=0.3)  # 0.2 s of work at duty 0.1: the next waits 1.8 s more
        assert not r.wanted(2, jobs, now=2.0) and r.wanted(2, jobs, now=2.2)
        r.now()  # the user chose something else: at once
        assert r.wanted(2, jobs, now=0.0)
        _gate.clear()
        jobs.submit("slice", _held, 0)
        assert not r.wanted(3, jobs, now=100.0)  # one is under way
    finally:
        _gate.set()
        jobs.close()


def test_requests_after_close_are_ignored(rng):
    """MNIST can arrive as the window closes: sharing a sample or submitting a job after close() raises nothing
    and starts no worker (it once failed with FileNotFoundError on the removed folder)."""
    jobs = LatestJobs(processes=False)
    jobs.close()
    jobs.share(Sample.from_images(rng.uniform(0, 1, (3, 784)), np.arange(3)))
    jobs.submit("slice", _fails)
    assert not jobs.busy("slice") and jobs._executor is None
