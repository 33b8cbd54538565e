"""The training loop, driven synchronously command by command with a fake clock: no process, no thread, no sleep."""

import numpy as np
import pytest

from nnviz.core import protocol as p
from nnviz.core.data import DataError
from nnviz.core.training import TrainConfig, preset
from nnviz.core.training_loop import CHUNK, PUBLISH_INTERVAL, TrainingLoop, serve


class Clock:
    """Time that moves only when told (``tick`` per call lets full-speed training end its time slice)."""

    def __init__(self, tick: float = 0.0):
        self.now, self.tick = 0.0, tick

    def __call__(self) -> float:
        self.now += self.tick
        return self.now


@pytest.fixture(scope="module")
def small(mnist):
    return mnist.subset(2000, 1000)


def make_loop(small, clock=None):
    """A loop with the small data loaded and a fresh video network, paused; ``sent`` collects its events."""
    sent = []
    loop = TrainingLoop(sent.append, clock=clock or Clock(), load=lambda source: small)
    loop.handle(p.Reset(preset("video")))
    loop.handle(p.LoadData("small"))
    return loop, sent


def published(sent):
    return [e for e in sent if isinstance(e, p.Published)]


def test_data_then_reset_builds_a_paused_trainer_and_publishes_once(small):
    """LoadData answers with DataLoaded (test set, a training sample), builds the trainer, and the next turn of work
    publishes its step-0 state once; a paused loop then waits for commands (wait_time None)."""
    loop, sent = make_loop(small)
    loaded = [e for e in sent if isinstance(e, p.DataLoaded)]
    assert len(loaded) == 1 and loaded[0].x_test.shape == (1000, 28, 28) and loaded[0].train_count == 2000
    assert loop.wait_time() == 0.0  # something to publish
    loop.work()
    loop.work()
    snaps = published(sent)
    assert len(snaps) == 1 and snaps[0].state.step == 0 and not snaps[0].state.running
    assert loop.wait_time() is None


def test_step_requests_run_exactly_one_mini_batch_each(small):
    """Two Step commands while paused: two mini-batches, each published, and no more however often work runs."""
    loop, sent = make_loop(small)
    loop.work()
    loop.handle(p.Step())
    loop.handle(p.Step())
    for _ in range(5):
        loop.work()
    assert loop.trainer.step_count == 2
    assert [e.state.step for e in published(sent)] == [0, 1, 2]
    assert published(sent)[-1].first_cost == 1 and len(published(sent)[-1].new_costs) == 1  # only what is new


def test_slow_motion_is_paced_by_the_clock(small):
    """At 5 mini-batches a second, work steps only when the clock says the next step is due: 5 steps in 1 s."""
    clock = Clock()
    loop, sent = make_loop(small, clock)
    loop.handle(p.SetSpeed(5))
    loop.handle(p.SetRunning(True))
    for _ in range(100):  # 100 turns over one second
        loop.work()
        clock.now += 0.01
    assert 5 <= loop.trainer.step_count <= 6
    loop.work()  # the step due now; the next is 0.2 s away
    assert 0 < loop.wait_time() <= 0.2


def test_full_speed_trains_in_chunks_and_publishes_at_most_30_times_a_second(small):
    """Full speed: each turn trains for one publish interval of the clock, in chunks of CHUNK steps; snapshots
    come at most once per interval (past the dense start of the recording: see the next test)."""
    clock = Clock(tick=PUBLISH_INTERVAL / 3)  # three looks at the clock per interval
    loop, sent = make_loop(small, clock)
    loop.work()
    loop.trainer.record_into(None)  # no checkpoint every mini-batch: nothing makes a snapshot come sooner
    loop.outbox = None
    loop.handle(p.SetRunning(True))
    n = len(published(sent))
    for _ in range(4):
        loop.work()
    assert loop.trainer.step_count % CHUNK == 0 and loop.trainer.step_count >= 4 * CHUNK
    times = [e.state.step for e in published(sent)[n:]]
    assert 1 <= len(times) <= 5


def test_checkpoints_go_in_bounded_batches_none_lost(small):
    """At full speed the dense start records a checkpoint every mini-batch: each snapshot carries at most
    ``batch_rows`` of them (training waits for the rest to be published first), and together they are every
    checkpoint in order, so the outbox never holds more than one batch."""
    loop, sent = make_loop(small, Clock(tick=PUBLISH_INTERVAL / 3))
    loop.batch_rows = 25
    loop.handle(p.SetRunning(True))
    for _ in range(30):
        loop.work()
        assert len(loop.outbox) <= loop.batch_rows
    batches = [e.checkpoints for e in published(sent) if e.checkpoints is not None]
    assert max(len(b) for b in batches) == 25
    ordinals = np.concatenate([b.ordinals for b in batches])
    np.testing.assert_array_equal(ordinals, np.arange(len(ordinals)))
    assert loop.trainer.step_count > 300 and len(ordinals) > 300  # past the dense start, nothing held back


def test_pause_publishes_the_final_state_at_once(small):
    """Pause means paused: the SetRunning(False) turn publishes the trainer's final state, and a learning-rate
    change afterwards publishes the same mini-batch count (no further steps)."""
    clock = Clock(tick=PUBLISH_INTERVAL / 3)
    loop, sent = make_loop(small, clock)
    loop.handle(p.SetRunning(True))
    loop.work()
    loop.work()
    loop.handle(p.SetRunning(False))
    loop.work()
    final = published(sent)[-1].state
    assert final.step == loop.trainer.step_count and not final.running
    loop.handle(p.SetLearningRate(0.5))
    loop.work()
    assert published(sent)[-1].state.step == final.step and published(sent)[-1].state.learning_rate == 0.5


def test_a_bad_data_file_is_reported_and_the_old_data_kept(small):
    """A LoadData that fails answers DataFailed with the loader's sentence; the trainer and its data stay."""
    loop, sent = make_loop(small)

    def bad(source):
        raise DataError(f"{source} is not MNIST")

    loop.load = bad
    trainer = loop.trainer
    loop.handle(p.LoadData("x.png"))
    assert sent[-1] == p.DataFailed("x.png", "x.png is not MNIST")
    assert loop.trainer is trainer and loop.data is small


def test_load_with_resume_continues_the_counters_and_history(small):
    """Load with a Resume: the trainer carries on from that mini-batch count and cost history."""
    loop, sent = make_loop(small)
    from nnviz.core.history import History

    net = preset("video").network()
    history = History()
    history.extend(np.arange(7, dtype=np.float32), np.arange(1, 8) * 10)
    history.test_accuracy = [(60000, 0.5)]
    resume = p.Resume(step=7, samples_seen=70, epoch_progress=70 / 2000, history=history)
    loop.handle(p.Load(preset("video"), net, resume))
    loop.work()
    state = published(sent)[-1]
    assert state.state.step == 7 and state.state.samples_seen == 70 and not len(state.new_costs)
    assert state.history.recent()[0].tolist() == list(range(7)) and state.state.test_accuracy == ((60000, 0.5),)
    assert state.history is not history  # a copy crossed, not the loop's own
    loop.handle(p.Step())
    loop.work()
    assert published(sent)[-1].state.step == 8 and published(sent)[-1].first_cost == 7
    assembler = p.SnapshotAssembler()
    snaps = [assembler.build(e) for e in published(sent)]
    assert len(snaps[-1].costs) == snaps[-1].step == 8  # every cost once, however the history crossed


def test_a_step_in_the_same_turn_as_a_resumed_load_is_counted_once(small):
    """Load with a Resume and a Step handled together: the first snapshot carries the whole history, the step's
    cost in it once (it was counted twice before)."""
    from nnviz.core.history import History

    loop, sent = make_loop(small)
    history = History()
    history.extend(np.ones(3, np.float32), np.arange(1, 4) * 10)
    loop.handle(p.Load(preset("video"), preset("video").network(), p.Resume(3, 30, 0.015, history)))
    loop.handle(p.Step())
    loop.work()
    loop.handle(p.Step())
    loop.work()
    assembler = p.SnapshotAssembler()
    last = [assembler.build(e) for e in published(sent)][-1]
    assert last.step == 5 and len(last.costs) == 5 and last.cost_samples.tolist() == [10, 20, 30, 40, 50]


def test_divergence_pauses_and_says_so(small):
    """A learning rate that blows the cost up: the loop pauses by itself, says Diverged, keeps finite weights,
    refuses to step until η changes."""
    loop, sent = make_loop(small, Clock(tick=PUBLISH_INTERVAL / 3))
    loop.handle(p.Reset(preset("best", learning_rate=1e4)))  # blows up within a few mini-batches on this subset
    loop.handle(p.SetRunning(True))
    for _ in range(50):
        loop.work()
        if any(isinstance(e, p.Diverged) for e in sent):
            break
    assert any(isinstance(e, p.Diverged) for e in sent) and not loop.running
    assert np.isfinite(loop.trainer.network.params).all()
    steps = loop.trainer.step_count
    loop.handle(p.Step())
    loop.work()
    assert loop.trainer.step_count == steps


def test_peek_batch_and_set_params(small):
    """PeekBatch answers the next mini-batch without consuming it; SetParams puts weights in place."""
    loop, sent = make_loop(small)
    loop.handle(p.PeekBatch())
    batch = sent[-1]
    assert isinstance(batch, p.Batch) and batch.images.shape == (10, 784)
    x, labels = loop.trainer.next_mini_batch()
    np.testing.assert_array_equal(batch.images, x)
    zeros = np.zeros_like(loop.trainer.network.params)
    loop.handle(p.SetParams(zeros))
    loop.work()
    np.testing.assert_array_equal(published(sent)[-1].state.params, zeros)


def test_serve_runs_commands_until_stop_and_says_finished(small):
    """serve() handles every command in the inbox, then publishes a last time and ends with Finished."""

    class Inbox:
        def __init__(self, commands):
            self.commands = list(commands)

        def poll(self, timeout=0.0):
            return bool(self.commands)

        def recv(self):
            return self.commands.pop(0)

    sent = []
    loop = TrainingLoop(sent.append, clock=Clock(), load=lambda source: small)
    serve(loop, Inbox([p.LoadData(None), p.Reset(TrainConfig()), p.Step(), p.Step(), p.Stop()]))
    assert isinstance(sent[-1], p.Finished) and published(sent)[-1].state.step <= 2


def test_snapshots_built_from_the_loops_messages_are_frozen_and_complete(small):
    """The loop publishes only new costs; the window's assembler rebuilds full, read-only snapshots that training
    on never changes."""
    loop, sent = make_loop(small)
    assembler = p.SnapshotAssembler()
    loop.trainer.run_steps(3)
    loop.publish()
    first = assembler.build(sent[-1])
    params = first.params.copy()
    loop.trainer.run_steps(4)
    loop.publish()
    assert len(sent[-1].new_costs) == 4  # only what is new crosses
    second = assembler.build(sent[-1])
    assert np.array_equal(first.params, params) and not first.params.flags.writeable
    assert len(first.costs) == 3 and first.step == 3 and not first.costs.flags.writeable
    assert second.costs.tolist() == pytest.approx(loop.trainer.history.costs[:7].tolist()) and second.step == 7
    np.testing.assert_array_equal(first.network().params, params)
