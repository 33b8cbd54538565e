"""Time travel's costs: the recording's memory after 30-epoch runs, training speed with recording on over off, and
the timeline's scrub-to-repaint latency in the real window.

- ``recording_mb``: the memory the recording store holds (``Recording.held_bytes``: the rows checkpoints have been
  written to, which is what it adds to the resident memory; at most its budget) after a full-speed headless
  30-epoch run of 784-16-16-10 and of 784-100-10 (video settings), with how many checkpoints it kept, and the
  process's resident memory before and after (what the store really added). Bar: <= 150 MB each.
- ``training_ratio``: samples/s of a trainer recording over one that does not, both fresh (the recording one
  starts with its densest part), timed in alternating turns in this process so that both see the same machine;
  the median of the per-turn ratios, in CPU time (the wall-clock ratio is printed too). Bar: >= 0.95. Printed
  beside it, the same ratio in the training loop as the app runs it (publishing new checkpoints 30 times a
  second, each event pickled as for the pipe).
- ``scrub_ms``: p50/p95 from moving the timeline's cursor (a slider jump anywhere in the run, or Home, End, ``,``
  and ``.``) to every view repainted (``FrameScheduler.frame_drawn``, which comes once Qt has painted the frame's
  last view, and one more turn of the event loop), in the real window offscreen after a few seconds of full-speed
  training; printed beside the frames of that live training in the same window (new weights every frame, every
  view redrawn), and split into the views' own work and Qt's painting. Bar: p95 <= 16 ms. ``null`` where Qt
  cannot start.

    python benchmarks/bench_timeline.py [--json] [--epochs 30] [--turns 24] [--data PATH]
    python benchmarks/bench_timeline.py --scrub-only   # the window's figure alone (no 30-epoch runs)

Measured here (2 shared cores, load 1.0; ``--data ../shared/data/mnist.npz``): recording 50.3 MB for
784-16-16-10 (673 of 967 checkpoints kept after 30 epochs) and 50.3 MB for 784-100-10 (106 of 158); training ratio
0.990 (1.02 in the training loop as the app runs it); scrub p50 9.2 ms, p95 12.2 ms over 646 checkpoints of a
150,707-mini-batch run, beside 18.4 / 25.4 ms for the frames of live training. Of a move's 8.9 ms the views' own
work is 2.7 ms; the rest is Qt painting what they changed, each view once (before: each view painted twice, the
graph's lines clipped to many rectangles, the insight panel measuring behind its tab: 35-48 ms at p95). On a busy
machine (load 3-7) the p95 is 20-70 ms: a move then waits for a core.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# One BLAS thread, as in the app's training process: 784-100-10's products are just large enough for BLAS to
# split them over both cores, which on a busy 2-core machine runs 40 times slower (measured: 1,500 vs 62,000/s).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402

from app_window import memory_mb  # noqa: E402
from bench_train import get_data  # noqa: E402
from nnviz.core.recording import Recording  # noqa: E402
from nnviz.core.training import Trainer, preset  # noqa: E402

NETWORKS = {"784-16-16-10": (784, 16, 16, 10), "784-100-10": (784, 100, 10)}


def recording_after_run(data, sizes, epochs: int, log) -> dict:
    """Train ``epochs`` epochs at full speed, recording; the memory the store holds and what it kept."""
    tr = Trainer(preset("video", sizes=sizes), data)
    rss_before = memory_mb(os.getpid())
    rec = Recording(tr.network.params.size)
    tr.record_into(rec)
    t0 = time.perf_counter()
    for _ in range(epochs):
        tr.run_epoch()
    seconds = time.perf_counter() - t0
    log(f"{'-'.join(map(str, sizes))}: {epochs} epochs ({tr.step_count:,} mini-batches) in {seconds:.1f} s, "
        f"{tr.samples_seen / seconds:,.0f} samples/s; recording holds {rec.held_bytes / 1e6:.1f} MB (budget "
        f"{rec.nbytes / 1e6:.1f} MB for {rec.capacity:,} checkpoints; the process's resident memory grew "
        f"{memory_mb(os.getpid()) - rss_before:.1f} MiB), {len(rec):,} kept (thinning level {rec.level}, first "
        f"{int(rec.steps[0])}, last {int(rec.steps[-1]):,}), every mini-batch up to {dense_until(rec):,}")
    return {"mb": rec.held_bytes / 1e6, "kept": len(rec), "seconds": seconds}


def dense_until(rec: Recording) -> int:
    """The step up to which every mini-batch has a checkpoint."""
    steps = rec.steps
    gaps = np.flatnonzero(np.diff(steps) != 1)
    return int(steps[gaps[0]]) if len(gaps) else int(steps[-1])


def training_ratio(data, turns: int, seconds: float, log) -> float:
    """Median over alternating turns of (samples/s recording) / (samples/s not recording), both fresh.

    Timed in this process's CPU time: on a shared machine the wall clock also counts the time other programs hold
    the core (here per-turn wall-clock ratios ranged 0.8-1.9 under a load of 7 on 2 cores); with one BLAS thread
    the CPU time is the training's own. Both figures are printed.
    """
    off = Trainer(preset("video"), data)
    on = Trainer(preset("video"), data)
    on.record_into(Recording(on.network.params.size))
    cpu, wall = {"on": [], "off": []}, {"on": [], "off": []}
    for turn in range(turns):
        for name, tr in (("off", off), ("on", on)) if turn % 2 else (("on", on), ("off", off)):
            s0, t0, c0 = tr.samples_seen, time.perf_counter(), time.process_time()
            while time.process_time() - c0 < seconds:
                tr.run_steps(100)
            done = tr.samples_seen - s0
            cpu[name].append(done / (time.process_time() - c0))
            wall[name].append(done / (time.perf_counter() - t0))
    ratios = [a / b for a, b in zip(cpu["on"], cpu["off"])]
    wall_ratios = [a / b for a, b in zip(wall["on"], wall["off"])]
    log(f"training speed, {turns} alternating turns of {seconds:g} s of CPU: recording off median "
        f"{statistics.median(cpu['off']):,.0f} samples per CPU-second, on {statistics.median(cpu['on']):,.0f} "
        f"({len(on.recording):,} checkpoints by mini-batch {on.step_count:,}); ratio median "
        f"{statistics.median(ratios):.3f} (per turn {min(ratios):.3f}-{max(ratios):.3f}); by the wall clock "
        f"{statistics.median(wall['off']):,.0f} and {statistics.median(wall['on']):,.0f} samples/s, ratio median "
        f"{statistics.median(wall_ratios):.3f}")
    return statistics.median(ratios)


def loop_ratio(data, turns: int, seconds: float, log) -> float:
    """The same ratio in the training loop as the app runs it: full speed, a publish every 1/30 s carrying the new
    checkpoints, every event pickled as for the pipe to the window; alternating turns in CPU time, both fresh."""
    import pickle

    from nnviz.core import protocol as p
    from nnviz.core.training_loop import TrainingLoop

    def make(record: bool) -> TrainingLoop:
        loop = TrainingLoop(lambda event: pickle.dumps(event, pickle.HIGHEST_PROTOCOL), load=lambda source: data)
        loop.handle(p.Reset(preset("video")))
        loop.handle(p.LoadData("bench"))
        if not record:
            loop.trainer.record_into(None)
            loop.outbox = None
        loop.handle(p.SetRunning(True))
        return loop

    loops = {"on": make(True), "off": make(False)}
    rates = {"on": [], "off": []}
    for turn in range(turns):
        for name in ("on", "off") if turn % 2 == 0 else ("off", "on"):
            loop = loops[name]
            s0, c0 = loop.trainer.samples_seen, time.process_time()
            while time.process_time() - c0 < seconds:
                loop.work()
            rates[name].append((loop.trainer.samples_seen - s0) / (time.process_time() - c0))
    ratios = [a / b for a, b in zip(rates["on"], rates["off"])]
    log(f"in the training loop (publishing, pickling): recording off median {statistics.median(rates['off']):,.0f} "
        f"samples per CPU-second, on {statistics.median(rates['on']):,.0f}; ratio median "
        f"{statistics.median(ratios):.3f} (per turn {min(ratios):.3f}-{max(ratios):.3f})")
    return statistics.median(ratios)


def scrub_latency(data_path: str | None, seconds: float, moves: int, log) -> dict | None:
    """p50/p95 ms from moving the timeline's cursor to every view repainted, in the real window (offscreen).

    The window trains at full speed for ``seconds`` and pauses; then the cursor jumps to checkpoints spread over
    the whole run (the slider's ``valueChanged``, as a drag gives it) and steps with the real keys (Home, End,
    ``,`` and ``.``), waiting after each move for the frame in which every view has drawn the moment
    (``FrameScheduler.frame_drawn``: it comes once Qt has painted the frame's last view) and one more turn of the
    event loop. Reference, in the same window and run: the frames drawn while it trained (new weights every
    frame, so every view redrawn; the training process busy on the other core).
    """
    try:
        from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        from nnviz.core import protocol as p
        from nnviz.gui.app import make_app
        from nnviz.gui.main_window import MainWindow
    except ImportError as e:
        log(f"scrub_ms: null (Qt cannot start here: {e})")
        return None
    import tempfile

    make_app()
    app = QApplication.instance()
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "bench.ini"), QSettings.Format.IniFormat)  # the defaults
    window = MainWindow(data=data_path, settings=settings)
    window.resize(1280, 760)
    window.show()
    loop = QEventLoop()
    drawn, frame_ms, work = [], [], []  # when each frame ended, how long it took, its views' own work
    window.frames.frame_drawn.connect(lambda spent: (drawn.append(time.perf_counter()), frame_ms.append(spent * 1000),
                                                     work.append(window.frames.last_work * 1000), loop.quit()))

    def wait(condition, timeout: float) -> bool:
        end = time.perf_counter() + timeout
        while not condition() and time.perf_counter() < end:
            QTimer.singleShot(20, loop.quit)
            loop.exec()
        return condition()

    def frame_after(action) -> float:
        """Milliseconds from ``action()`` to the end of the next frame drawn."""
        wait(lambda: not window.frames.busy, 2)
        wait(lambda: False, 0.05)  # idle between moves, as between a person's
        drawn.clear()
        t0 = time.perf_counter()
        action()
        while not drawn and time.perf_counter() - t0 < 2:
            QTimer.singleShot(2000, loop.quit)
            loop.exec()
        if not drawn:
            return 2000.0
        QTimer.singleShot(0, loop.quit)  # one more turn: Qt paints what the frame's last tasks changed
        loop.exec()
        return (time.perf_counter() - t0) * 1000

    try:
        if not wait(lambda: window.has_data and window.latest is not None, 60):
            log("scrub_ms: null (MNIST did not load in the window)")
            return None
        window.training.post(p.SetSpeed(None))
        QTest.keyClick(window, Qt.Key.Key_Space)
        wait(lambda: False, 1.0)
        frame_ms.clear()
        wait(lambda: False, seconds)
        live = list(frame_ms)  # frames of live training (new weights every frame)
        QTest.keyClick(window, Qt.Key.Key_Space)
        wait(lambda: window.latest is not None and not window.latest.running, 10)
        wait(lambda: window.run.checkpoints > 0 and not window.run.timeline.making, 30)
        wait(lambda: False, 0.5)
        run, bar = window.run, window.timeline.bar
        count = run.checkpoints
        wait(lambda: bar.slider.maximum() == count, 5)
        rng = np.random.default_rng(0)
        keys = (Qt.Key.Key_Home, Qt.Key.Key_Period, Qt.Key.Key_Period, Qt.Key.Key_End, Qt.Key.Key_Comma,
                Qt.Key.Key_Comma)
        latencies = []
        work.clear()
        frame_ms.clear()
        for i in range(moves):
            if i % 4 == 3:
                key = keys[(i // 4) % len(keys)]
                latencies.append(frame_after(lambda: QTest.keyClick(window, key)))
            else:
                index = int(rng.integers(0, count))
                if index == bar.slider.value():
                    index = (index + 1) % count
                latencies.append(frame_after(lambda: bar.slider.setValue(index)))
        p50, p95 = (float(np.percentile(latencies, q)) for q in (50, 95))
        r50, r95 = (float(np.percentile(live, q)) for q in (50, 95))
        log(f"scrub: {moves} cursor moves over a run of {window.latest.step:,} mini-batches ({count:,} checkpoints), "
            f"input to every view repainted p50 {p50:.1f} ms, p95 {p95:.1f} ms; reference, the frames of live "
            f"training in the same window ({len(live)}, every view redrawn): p50 {r50:.1f} ms, p95 {r95:.1f} ms")
        log(f"  of a move's frame (p50 {np.median(frame_ms):.1f} ms from its first task to Qt having painted its last "
            f"view), the views' own work is p50 {np.median(work):.1f} ms; the rest is Qt painting between its turns "
            f"(and, on a busy machine, waiting for a core)")
        return {"p50": round(p50, 2), "p95": round(p95, 2)}
    finally:
        window.close()
        app.processEvents()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", action="store_true", help="end with one JSON line")
    p.add_argument("--epochs", type=int, default=30, help="epochs of each recorded run")
    p.add_argument("--turns", type=int, default=24, help="alternating turns for the training ratio")
    p.add_argument("--turn-seconds", type=float, default=0.25)
    p.add_argument("--ratio-only", action="store_true", help="measure the training ratio alone (no 30-epoch runs)")
    p.add_argument("--scrub-only", action="store_true", help="measure the scrub latency alone")
    p.add_argument("--scrub-seconds", type=float, default=6.0, help="full-speed training before scrubbing")
    p.add_argument("--moves", type=int, default=200, help="cursor moves measured")
    p.add_argument("--data")
    args = p.parse_args()
    log = lambda text: print(text, file=sys.stderr if args.json else sys.stdout, flush=True)  # noqa: E731
    data, source = get_data(args.data)
    log(f"data: {source}")
    window_data = str(data.source) if not source.startswith("random") else None
    if args.scrub_only:
        scrub = scrub_latency(window_data, args.scrub_seconds, args.moves, log)
        if args.json:
            print(json.dumps({"scrub_ms": scrub}))
        return
    ratio = training_ratio(data, args.turns, args.turn_seconds, log)
    loop_ratio(data, args.turns, args.turn_seconds, log)
    if args.ratio_only:
        return
    mb = {name: recording_after_run(data, sizes, args.epochs, log)["mb"] for name, sizes in NETWORKS.items()}
    scrub = scrub_latency(window_data, args.scrub_seconds, args.moves, log)
    log("bars: recording <= 150 MB each, training ratio >= 0.95, scrub p95 <= 16 ms")
    if args.json:
        print(json.dumps({"scrub_ms": scrub, "recording_mb": mb, "training_ratio": ratio}))


if __name__ == "__main__":
    main()
