"""The timeline without Qt: checkpoints shipped by the training loop into the window's one store, the run model's
movable cursor and the moments it shows, branching through the loop, opened recordings, and your drawing's
outputs through the run."""

import dataclasses

import numpy as np
import pytest

from nnviz.core import protocol as p
from nnviz.core.history import History
from nnviz.core.model_io import save_model
from nnviz.core.network import Network
from nnviz.core.recording import Recording, outputs_through_run
from nnviz.core.run import LIVE, Run
from nnviz.core.snapshot import Snapshot
from nnviz.core.through_run import DrawingThroughRun, spread
from nnviz.core.timeline import moment
from nnviz.core.training import preset
from nnviz.core.training_loop import TrainingLoop


@pytest.fixture(scope="module")
def small(mnist):
    return mnist.subset(2000, 1000)


class Window:
    """The window's side, Qt-free: the loop's events feed a Run as the relay and the window would."""

    def __init__(self, small):
        self.sent = []
        self.loop = TrainingLoop(self.sent.append, load=lambda source: small)
        self.run = Run(preset("video"))
        self.assembler = p.SnapshotAssembler()
        self.loop.handle(p.Reset(preset("video")))
        self.loop.handle(p.LoadData("small"))
        self.run.data_arrived(self.sent[0])
        self.run.timeline._maker.wait()  # the store is made in the background; a test waits for it
        self.pump()

    def pump(self) -> None:
        """Let the loop publish, and deliver its events in order (checkpoints before their snapshot)."""
        self.loop.work()
        for e in self.sent:
            if isinstance(e, p.Published):
                if e.checkpoints is not None:
                    self.run.checkpoints_arrived(e.run_id, e.checkpoints)
                self.run.snapshot_arrived(self.assembler.build(e))
        self.sent.clear()

    def steps(self, n: int) -> None:
        for _ in range(n):
            self.loop.handle(p.Step())
            self.pump()


def test_the_loop_ships_only_new_checkpoints_and_the_window_store_holds_the_run(small):
    """Each Published carries the checkpoints recorded since the one before (none twice); the window's store then
    holds exactly the trainer's schedule: every mini-batch at the start, weights equal to the trainer's then."""
    w = Window(small)
    start = w.run.latest.params.copy()
    w.loop.handle(p.Step())
    w.loop.work()
    first = [e for e in w.sent if isinstance(e, p.Published)][0].checkpoints
    assert first.ordinals.tolist() == [1] and first.steps.tolist() == [1]  # checkpoint 0 went with step 0
    w.pump()
    w.steps(40)
    rec = w.run.recording
    assert rec.steps.tolist() == list(range(42)) and rec.ordinals.tolist() == list(range(42))
    np.testing.assert_array_equal(rec.params(0), start)
    np.testing.assert_array_equal(rec.params(-1), w.loop.trainer.network.params)
    assert len(w.loop.outbox) == 0, "the training process keeps nothing between publishes"


def test_the_cursor_shows_a_moment_with_its_counters_and_history_up_to_then(small):
    """Moving the cursor to a checkpoint shows its weights, step, samples and the costs measured by then; the
    status text names it; the snapshot is built once per position; End shows the live snapshot again."""
    w = Window(small)
    w.steps(30)
    run, live = w.run, w.run.latest
    version = run.version
    assert run.move_cursor(10) and run.version > version
    shown = run.shown()
    assert shown is run.shown(), "built once per cursor position"
    np.testing.assert_array_equal(shown.params, run.recording.params(10))
    assert (shown.step, shown.samples_seen, len(shown.costs)) == (10, 100, 10)
    np.testing.assert_array_equal(shown.costs, live.costs[:10])
    assert not shown.params.flags.writeable and run.viewing() == "viewing mini-batch 10 of 30"
    assert run.network() is run.network() and np.array_equal(run.network().params, shown.params)
    assert run.moment_epochs() == pytest.approx(100 / 2000)
    assert run.move_cursor(LIVE) and run.shown() is live and run.viewing() is None
    assert not run.move_cursor(LIVE), "not moved: the version stays"


def test_a_live_snapshot_does_not_change_a_recorded_moment_but_counts_as_m(small):
    """While the cursor shows the past, training underneath changes neither the moment nor the version; the
    status's "of M" follows the live run."""
    w = Window(small)
    w.steps(5)
    w.run.move_cursor(2)
    shown, version = w.run.shown(), w.run.version
    w.steps(3)
    assert w.run.shown() is shown and w.run.version == version
    assert w.run.viewing() == "viewing mini-batch 2 of 8"


def test_previous_and_next_walk_the_checkpoints_and_off_the_end_is_live(small):
    """From live, previous is the last checkpoint before the live moment; next past the last one is live;
    previous at the start stays there."""
    w = Window(small)
    w.steps(6)
    run = w.run
    w.loop.handle(p.SetLearningRate(2.0))  # a publish at the same step: no new checkpoint
    w.pump()
    assert run.step_cursor(-1) and run.cursor == 5  # step 6's checkpoint is the live moment itself
    assert run.step_cursor(+1) and run.cursor == 6
    assert run.step_cursor(+1) and run.cursor is LIVE
    assert not run.step_cursor(+1)
    run.move_cursor(0)
    assert not run.step_cursor(-1) and run.cursor == 0
    assert run.move_cursor(10**6) and run.cursor == 6, "clamped to the timeline"


def test_a_click_on_the_plot_finds_the_nearest_checkpoint_or_live(small):
    """checkpoint_at maps the cost plot's time (epochs) to the nearest checkpoint, or live beyond the last."""
    w = Window(small)
    w.steps(20)
    run = w.run
    assert run.checkpoint_at(0.0) == 0
    assert run.checkpoint_at(52 / 2000) == 5  # 52 samples: nearer checkpoint 5 (50) than 6 (60)
    assert run.checkpoint_at(10.0) == 20  # the live moment is checkpoint 20: equally near, the checkpoint wins
    w.loop.handle(p.SetLearningRate(2.0))
    w.pump()
    w.steps(1)
    assert run.checkpoint_at(10.0) in (21, LIVE)


def test_a_reset_empties_the_store_and_ignores_what_the_old_run_still_sends(small):
    """After the window starts over, checkpoints still in flight from the old run are dropped; the new run starts
    the store at its own step 0, and the cursor is live."""
    w = Window(small)
    w.steps(10)
    w.loop.handle(p.Step())
    w.loop.work()  # the old run's last words, not yet delivered
    w.run.move_cursor(3)
    w.run.started_over(preset("video", seed=5))
    assert w.run.cursor is LIVE and len(w.run.recording) == 0
    w.loop.handle(p.Reset(preset("video", seed=5)))
    w.pump()
    assert w.run.recording.steps.tolist() == [0]
    np.testing.assert_array_equal(w.run.recording.params(0), Network(seed=5).params)


def test_a_new_run_the_window_did_not_start_replaces_the_store(small):
    """A rebuild in the loop (new data) starts again at ordinal 0: the old checkpoints go, the cursor goes live."""
    w = Window(small)
    w.steps(8)
    w.run.move_cursor(4)
    w.loop.handle(p.LoadData("small"))  # the same data again: a fresh trainer, a fresh recording
    w.pump()
    assert w.run.recording.steps.tolist() == [0] and w.run.cursor is LIVE


def test_branching_continues_from_the_moment_and_numbers_on(small):
    """Branch from checkpoint 10 with a new learning rate: the loop continues from its weights and counters, the
    store keeps the checkpoints up to it and adds the branch's new ones, and the old future is gone from it."""
    w = Window(small)
    w.steps(25)
    w.run.move_cursor(10)
    at10 = w.run.shown().params.copy()
    command = w.run.branch_here(preset("video", learning_rate=0.5))
    assert command.branch.recording is None and command.branch.step == 10
    assert w.run.cursor is LIVE and w.run.latest.step == 10  # the moment stands for live until the loop answers
    w.loop.handle(p.Step())
    w.loop.work()  # the old run's last step, in flight while the branch is posted
    w.loop.handle(command)
    w.pump()
    tr = w.loop.trainer
    assert (tr.step_count, tr.learning_rate) == (10, 0.5)
    np.testing.assert_array_equal(tr.network.params, at10)
    w.steps(3)
    rec = w.run.recording
    assert rec.steps.tolist() == list(range(14)) and rec.ordinals.tolist() == list(range(14))
    np.testing.assert_array_equal(rec.params(-1), tr.network.params)
    assert w.run.latest.step == 13 and len(w.run.latest.costs) == 13  # the history up to 10, then the branch's


def test_a_hand_made_step_replaces_the_checkpoint_of_its_moment(small):
    """SetParams (the backprop panel's step) is recorded at the live step, so the timeline's last moment is the
    network as it is now."""
    w = Window(small)
    w.steps(3)
    changed = w.loop.trainer.network.params + 0.01
    w.loop.handle(p.SetParams(changed))
    w.pump()
    rec = w.run.recording
    assert rec.steps.tolist() == [0, 1, 2, 3]
    np.testing.assert_allclose(rec.params(-1), changed)


def test_a_restarted_training_process_continues_the_store(small):
    """A new loop resumed from the last snapshot (its Resume carries the next ordinal) adds to the store."""
    w = Window(small)
    w.steps(5)
    history = w.assembler.history
    resume = w.run.resume_point(history)
    assert resume.next_ordinal == 6
    w.run.relay_replaced()
    w.sent.clear()
    w.loop = TrainingLoop(w.sent.append, load=lambda source: small)
    w.assembler = p.SnapshotAssembler()
    snap = w.run.latest
    w.loop.handle(p.LoadData("small"))
    w.loop.handle(p.Load(snap.config, snap.network(), resume))
    w.pump()
    w.steps(2)
    assert w.run.recording.steps.tolist() == list(range(8))


def test_thinning_keeps_the_cursor_on_the_moment_before(small):
    """When the store thins and the cursor's own checkpoint goes, the cursor moves to the one before it."""
    w = Window(small)
    small_store = Recording(w.run.recording.n_params, capacity=8)
    for i in range(len(w.run.recording)):
        small_store.add(0, 0, 0.0, float("nan"), w.run.recording.params(i), ordinal=0)
    w.run.timeline.adopt(small_store)
    small_store.protected = 2
    w.steps(7)  # ordinals 1..7 after 0: full
    w.run.move_cursor(5)
    assert w.run.shown().step == 5
    w.steps(1)  # a ninth: the store thins to even ordinals (and the protected start)
    assert 5 not in w.run.recording.ordinals.tolist()
    assert w.run.shown().step == 4 and w.run.viewing() == "viewing mini-batch 4 of 8"


def test_a_moment_in_a_long_run_takes_the_summary_up_to_then():
    """A moment before the costs held one by one gets the cost summary's buckets that end by then."""
    h = History()
    n = 70_000 * 2
    h.extend(np.linspace(1, 0, n, dtype=np.float32), np.arange(1, n + 1, dtype=np.int64) * 10)
    costs, samples = h.recent()
    params = Network().params
    live = Snapshot.of_network(Network(), preset("video"), step=n, samples_seen=n * 10, epoch_progress=n / 6000,
                               costs=costs, cost_samples=samples, envelope=h.envelope())
    rec = Recording(params.size, capacity=4)
    rec.add(0, 0, 0.0, float("nan"), params)
    rec.add(5000, 50_000, 50_000 / 60_000, 0.5, params)
    m = moment(live, rec, 1)
    assert len(m.costs) == 0 and m.envelope.steps <= 5000 and int(m.envelope.end[-1]) <= 5000
    assert m.step == 5000 and m.epoch == 0 and m.samples_per_second == 0.0


def test_opening_a_recorded_run_without_data_lets_it_be_replayed(small, tmp_path):
    """A run saved with its recording opens into the store (no data needed): Home shows its first checkpoint.
    A model without one starts the timeline with its own network; Resume numbers on from what the store holds."""
    w = Window(small)
    w.steps(12)
    rec = w.run.recording
    snap = w.run.latest
    history = History.from_parts(snap.envelope, snap.costs, snap.cost_samples, 0, snap.test_accuracy)
    save_model(snap.network(), tmp_path / "run.npz", snap.config.to_dict(), history=history, recording=rec)
    save_model(snap.network(), tmp_path / "plain.npz", snap.config.to_dict(), history=history)
    other = Run(preset("video"))
    opened = other.open_model(tmp_path / "run.npz", preset("video"))
    assert opened.resume.next_ordinal == 13
    assert other.model_opened(opened) is not None  # no data: shown at once
    assert other.checkpoints == 13 and other.move_cursor(0)
    np.testing.assert_array_equal(other.shown().params, rec.params(0))
    assert other.viewing() == "viewing mini-batch 0 of 12"
    plain = other.open_model(tmp_path / "plain.npz", preset("video"))
    assert plain.resume.next_ordinal == 1
    other.model_opened(plain)
    other.timeline._maker and other.timeline._maker.wait()
    assert other.cursor is LIVE and other.checkpoints == 1 and other.recording.steps.tolist() == [12]


def test_applying_a_step_is_refused_while_the_views_show_the_past(small):
    """The backprop panel's step changes the live network: refused, with a sentence, when not live."""
    w = Window(small)
    w.steps(2)
    assert w.run.why_not("apply a step") is None
    w.run.move_cursor(0)
    assert "End" in w.run.why_not("apply a step")
    assert "MNIST" in Run(preset("video")).why_not("branch")


def test_drawing_through_the_run_equals_each_checkpoint_s_own_outputs(small, rng):
    """The plot's outputs at the spread of checkpoints are the networks' own outputs for the drawing; new
    checkpoints are computed alone; a new drawing or another generation computes everything again."""
    tr_net = Network()
    rec = Recording(tr_net.params.size, capacity=2000)
    for i in range(1500):
        rec.add(i, i * 10, i / 6000, 0.1, tr_net.params + rng.standard_normal(tr_net.params.size, np.float32) * 0.1)
    x = rng.random(784, np.float32)
    d = DrawingThroughRun()
    indices, outputs = d.outputs(rec, tr_net, x)
    np.testing.assert_array_equal(indices, spread(1500))
    assert len(indices) <= 601 and indices[-1] == 1499 and d.computed == len(indices)
    for i, row in zip(indices[::97], outputs[::97]):
        np.testing.assert_allclose(row, Network(params=rec.params(int(i))).predict(x[None])[0], rtol=1e-5,
                                   atol=1e-6)
    rec.add(1500, 15000, 0.25, 0.1, tr_net.params)
    indices2, outputs2 = d.outputs(rec, tr_net, x)
    assert d.computed == 1 and indices2[-1] == 1500  # the same spread (stride 3), and the new last one
    np.testing.assert_array_equal(outputs2[:-1], outputs[:-1])
    np.testing.assert_array_equal(outputs2[-1], outputs_through_run(rec, tr_net, x, [1500])[0])
    d.outputs(rec, tr_net, x[::-1].copy())
    assert d.computed == len(indices2)
    d.outputs(rec, tr_net, x[::-1].copy(), generation=1)
    assert d.computed == len(indices2)


def test_receive_drops_the_other_future_before_adding():
    """A batch whose first ordinal (or step) the store already holds replaces those checkpoints onwards."""
    params = np.zeros((1, 4), np.float32)
    rec = Recording(4, capacity=16)
    for i in range(6):
        rec.add(i, i, 0.0, 0.0, params[0])
    out = Recording(4, capacity=16, outbox=True)
    out.next_ordinal = 3
    out.add(3, 3, 0.0, 0.0, params[0] + 1)
    assert rec.receive(out.take_new())
    assert rec.steps.tolist() == [0, 1, 2, 3] and rec.params(3)[0] == 1
    fresh = Recording(4, capacity=16, outbox=True)
    fresh.add(0, 0, 0.0, 0.0, params[0] + 2)
    assert rec.receive(fresh.take_new()) and rec.steps.tolist() == [0] and rec.params(0)[0] == 2
    later = Recording(4, capacity=16, outbox=True)
    later.next_ordinal = 1
    later.add(1, 1, 0.0, 0.0, params[0])
    assert not rec.receive(later.take_new()) and rec.steps.tolist() == [0, 1]
    assert dataclasses.is_dataclass(later.take_new())


def test_without_memory_for_a_store_the_run_goes_unrecorded_once(monkeypatch):
    """If the store cannot be had (no memory), the checkpoints are let go and no second store is tried for the same
    architecture; the run model shows live, with no timeline."""
    import nnviz.core.timeline as timeline
    from nnviz.core.timeline import Checkpoints, single_checkpoint

    made = []

    def no_memory(n_params):
        made.append(n_params)
        raise MemoryError

    monkeypatch.setattr(timeline, "Recording", no_memory)
    keeper = Checkpoints()
    batch = single_checkpoint(0, 0, 0.0, float("nan"), np.zeros(13002, np.float32))
    assert not keeper.arrived(1, batch)
    if keeper._maker is not None:
        keeper._maker.wait()
    assert keeper.store is None and not keeper.making and len(keeper) == 0
    assert not keeper.arrived(1, batch) and keeper._maker is None and made == [13002]
