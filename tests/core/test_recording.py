"""Recording a run: the schedule, the budget and its even thinning, shipping in batches, the batched forward
pass through every checkpoint, runs as files, and branching from a checkpoint."""

import zipfile

import numpy as np
import pytest

from nnviz.core.model_io import ModelFileError, read_model, save_model
from nnviz.core.network import Network
from nnviz.core.recording import (DEFAULT_BUDGET, DENSE_STEPS, MAX_FILE_BYTES, Recording, branch, capacity_for,
                                  next_checkpoint_step, outputs_through_run)
from nnviz.core.training import QUICK_EVERY, Trainer, preset


@pytest.fixture(scope="module")
def small(mnist):
    """12,000 training and 1,000 test images of the real MNIST: two quick estimates an epoch."""
    return mnist.subset(12_000, 1000)


def recorded(small, steps, name="video", **overrides):
    """A trainer of preset ``name`` that has recorded ``steps`` steps, its recording and its starting weights."""
    tr = Trainer(preset(name, **overrides), small)
    start = tr.network.params.copy()
    rec = Recording(tr.network.params.size, capacity=4000)
    tr.record_into(rec)
    tr.run_steps(steps)
    return tr, rec, start


def test_schedule_dense_then_spaced_out_and_at_every_quick_estimate(small):
    """Every mini-batch up to DENSE_STEPS, then steps growing by about 1 %, and one at each quick estimate and each
    epoch's end; checkpoint 0 is the starting weights, and each holds the weights after exactly its step."""
    tr, rec, start = recorded(small, 2500)
    steps = rec.steps.tolist()
    assert steps[: DENSE_STEPS + 1] == list(range(DENSE_STEPS + 1))
    np.testing.assert_array_equal(rec.params(0), start)
    measured = {s // 10 for s, _ in tr.history.quick_accuracy} | {1200, 2400}  # epochs end at 12,000 samples
    assert measured <= set(steps)
    for before, after in zip(steps, steps[1:]):  # the next scheduled step, or a measurement before it
        assert after == next_checkpoint_step(before) or (after in measured and after < next_checkpoint_step(before))
    assert 20 < len(steps) - DENSE_STEPS < 250
    assert np.isnan(rec.costs[0]) and rec.costs[5] == pytest.approx(tr.history.recent()[0][4])
    replay = Trainer(preset("video"), small)
    replay.run_steps(1007)
    np.testing.assert_array_equal(rec.params(rec.index_of(1007)), replay.network.params)


def test_recording_does_not_change_training(small):
    """Stopping the runs of steps at checkpoints changes nothing: the same weights and costs as without."""
    tr, _, _ = recorded(small, 1500, batch_size=7)
    plain = Trainer(preset("video", batch_size=7), small)
    plain.run_steps(1500)
    np.testing.assert_array_equal(tr.network.params, plain.network.params)
    np.testing.assert_array_equal(tr.history.recent()[0], plain.history.recent()[0])


def test_budget_gives_larger_networks_fewer_checkpoints_never_more_memory():
    """The default store fits 150 MB for 784-16-16-10 and for 784-100-10 (with fewer checkpoints); a network
    too large for even two checkpoints is refused with a sentence."""
    small_net, big_net = Network((784, 16, 16, 10)).params.size, Network((784, 100, 10)).params.size
    assert capacity_for(small_net) > 900 and capacity_for(big_net) < capacity_for(small_net) / 5
    for n in (small_net, big_net):
        assert Recording(n, outbox=True).nbytes <= min(DEFAULT_BUDGET, 150e6)
    with pytest.raises(ValueError, match="too large to record"):
        Recording(100_000_000)


def test_the_store_takes_memory_as_checkpoints_arrive_never_more_than_its_budget():
    """A new store holds no checkpoint rows yet (its budget is reserved, not taken); each first-written row adds
    one checkpoint's bytes, a full store holds its budget and stays there through thinning and a new run; files
    recorded under the earlier, larger budget still fit the files' bound."""
    n = Network((784, 16, 16, 10)).params.size
    rec = Recording(n, capacity=50)
    counters = rec.nbytes - 50 * n * 4
    assert rec.held_bytes == counters
    feed(rec, 10, n)
    assert rec.held_bytes == counters + 10 * n * 4
    rec.clear()
    feed(rec, 500, n)
    assert rec.held_bytes == rec.nbytes and rec.level > 0
    rec.clear()
    feed(rec, 3, n)
    assert rec.held_bytes == rec.nbytes  # the rows once written stay the store's
    assert MAX_FILE_BYTES >= capacity_for(n, 128 << 20) * n * 4


def feed(rec, n, n_params=3):
    for i in range(n):
        rec.add(step=i * 7, samples_seen=i * 70, epoch_progress=i / 100, cost=1.0 / (i + 1),
                params=np.full(n_params, i, np.float32))


def test_full_store_thins_evenly_and_keeps_the_start():
    """Past its capacity the store keeps the protected start and every 2**level-th checkpoint after it: evenly
    spread, the first always there, never more than the capacity."""
    rec = Recording(3, capacity=100)
    feed(rec, 5000)
    ordinals = rec.ordinals
    assert len(rec) <= 100 and rec.level >= 1 and ordinals[0] == 0
    assert ordinals[: rec.protected].tolist() == list(range(rec.protected))
    later = ordinals[rec.protected :]
    assert (later % (1 << rec.level) == 0).all()
    assert len(set(np.diff(later[later > rec.protected]).tolist())) == 1  # evenly spaced
    for i in range(len(rec)):  # rows moved with their metadata
        assert rec.params(i)[0] == ordinals[i] and rec.steps[i] == 7 * ordinals[i]


def test_shipping_new_checkpoints_in_batches_gives_the_same_store():
    """The training process's outbox ships only what is new (take_new empties it); a window store fed those
    batches thins on its own to exactly what a store fed directly holds."""
    direct, window = Recording(3, capacity=64), Recording(3, capacity=64)
    outbox = Recording(3, capacity=1000, outbox=True)
    sizes = np.random.default_rng(1).integers(0, 40, 200)
    i = 0
    for k in sizes:
        for j in range(i, i + k):
            for rec in (direct, outbox):
                rec.add(j * 7, j * 70, j / 100, 1.0 / (j + 1), np.full(3, j, np.float32))
        batch = outbox.take_new()
        assert len(batch) == k and len(outbox) == 0
        window.extend(batch)
        i += k
    for column in ("ordinals", "steps", "samples_seen", "epoch_progress", "costs"):
        np.testing.assert_array_equal(getattr(window, column), getattr(direct, column))
    np.testing.assert_array_equal(window.all_params(), direct.all_params())
    assert len(direct.take_new()) == len(direct) and len(direct.take_new()) == 0  # a store keeps what it hands out
    direct.clear()  # a new run in the same memory starts from ordinal 0 at level 0
    feed(direct, 10)
    assert direct.ordinals.tolist() == list(range(10)) and direct.level == 0 and len(direct.take_new()) == 10


def test_finding_checkpoints_by_step():
    """index_of is exact, at_or_before gives the network as it was then, nearest the closest moment."""
    rec = Recording(3, capacity=10)
    feed(rec, 5)  # steps 0, 7, 14, 21, 28
    assert rec.index_of(14) == 2 and rec.index_of(15) is None
    assert rec.at_or_before(20) == 2 and rec.at_or_before(100) == 4
    assert rec.nearest(17) == 2 and rec.nearest(18) == 3 and rec.nearest(-5) == 0 and rec.nearest(99) == 4
    view = rec.params(3)
    assert not view.flags.writeable and view[0] == 3
    with pytest.raises(ValueError, match="step order"):
        rec.add(3, 0, 0.0, 1.0, np.zeros(3, np.float32))


@pytest.mark.parametrize("kind", ["video", "best"])
def test_outputs_through_the_run_equal_each_checkpoint_s_own_prediction(kind, small):
    """The batched forward pass over every checkpoint (one product per layer) gives what Network.predict gives
    for each checkpoint separately (sigmoid and ReLU/softmax networks)."""
    tr, rec, _ = recorded(small, 400, kind, sizes=(784, 30, 20, 10))
    x = small.x_test[3].reshape(-1) / 255.0
    outputs = outputs_through_run(rec, tr.network, x)
    assert outputs.shape == (len(rec), 10)
    for i in range(len(rec)):
        net = Network(tr.network.sizes, tr.network.activation_name, tr.network.output_name, params=rec.params(i))
        np.testing.assert_allclose(outputs[i], net.predict(x)[0], rtol=1e-5, atol=1e-6)
    picked = outputs_through_run(rec, tr.network, x, indices=[0, 5, len(rec) - 1])
    np.testing.assert_allclose(picked, outputs[[0, 5, len(rec) - 1]], rtol=1e-6)
    np.testing.assert_allclose(outputs_through_run(rec, tr.network, x, slice(None, None, 3)), outputs[::3], rtol=1e-6)


def test_recorded_run_round_trips_through_a_model_file(small, tmp_path):
    """Saved with its recording and history, a run loads back with the same checkpoints; a file without a
    recording still loads (recording None)."""
    tr, rec, _ = recorded(small, 700)
    path = save_model(tr.network, tmp_path / "run.npz", tr.config.to_dict(), history=tr.history, recording=rec)
    m = read_model(path)
    for column in ("ordinals", "steps", "samples_seen", "epoch_progress", "costs"):
        np.testing.assert_array_equal(getattr(m.recording, column), getattr(rec, column))
    np.testing.assert_array_equal(m.recording.all_params(), rec.all_params())
    assert m.history.steps == 700 and m.costs.tolist() == tr.history.recent()[0].tolist()
    assert read_model(save_model(tr.network, tmp_path / "plain.npz")).recording is None


def _members(path):
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


@pytest.mark.parametrize("change, pattern", [
    (lambda m: m.update(recording_params=m["recording_params"][:, :-1]), "parameters"),
    (lambda m: m.update(recording_params=m["recording_params"].astype(np.float64)), "float32"),
    (lambda m: m["recording_params"].__setitem__((1, 0), np.nan), "NaN"),
    (lambda m: m.update(recording_steps=m["recording_steps"][::-1].copy()), "out of order"),
    (lambda m: m.update(recording_costs=m["recording_costs"][:-1]), "does not match"),
    (lambda m: m.pop("recording_steps"), "incomplete"),
])
def test_bad_recordings_are_refused_with_a_sentence(change, pattern, small, tmp_path):
    """A recording whose shapes, type or values do not fit the network is refused by read_model, naming the file."""
    tr, rec, _ = recorded(small, 20)
    path = save_model(tr.network, tmp_path / "run.npz", recording=rec)
    members = _members(path)
    change(members)
    np.savez(path, **members)
    with pytest.raises(ModelFileError, match=pattern) as e:
        read_model(path)
    assert "run.npz" in str(e.value)


def test_a_recording_declaring_too_much_is_refused_before_reading(tmp_path):
    """A member whose header declares a million checkpoints, in a tiny file, is refused from its header: nothing
    of that size is allocated or read."""
    net = Network((784, 16, 16, 10))
    path = save_model(net, tmp_path / "bomb.npz")
    header = {"descr": "<f4", "fortran_order": False, "shape": (1_000_000, net.params.size)}
    with zipfile.ZipFile(path, "a") as zf:
        with zf.open("recording_params.npy", "w") as fp:
            np.lib.format.write_array_header_1_0(fp, header)
            fp.write(b"\0" * 1000)
        for name in ("ordinals", "steps", "samples", "epochs", "costs"):
            with zf.open(f"recording_{name}.npy", "w") as fp:
                np.lib.format.write_array(fp, np.zeros(1_000_000))
    with pytest.raises(ModelFileError, match="at most"):
        read_model(path)


def test_branch_continues_from_a_checkpoint_and_keeps_the_old_future(small):
    """From checkpoint i: the network of that moment, the history up to it, the step count and samples seen go on
    from there, new checkpoints follow it, and the history it came from still holds the old future."""
    tr, rec, _ = recorded(small, 3000)
    old_history = tr.history
    i = rec.index_of(1007)
    params = rec.params(i).copy()
    b = branch(rec, i, old_history, tr.network)
    np.testing.assert_array_equal(b.network.params, params)
    assert b.step == 1007 and b.samples_seen == 10_070 and b.history.steps == 1007
    np.testing.assert_array_equal(b.history.recent()[0], old_history.recent()[0][:1007])
    assert old_history.steps == 3000 and len(rec) == i + 1
    again = Trainer(preset("video", learning_rate=1.0), small)
    again.resume(b)
    np.testing.assert_array_equal(again.network.params, params)
    again.run_steps(500)
    assert again.step_count == 1507 and again.samples_seen == 15_070 and again.history.steps == 1507
    assert rec.steps[i] == 1007 and len(rec) > i + 20 and rec.steps[-1] <= 1507 and (np.diff(rec.steps) > 0).all()
    assert rec.ordinals[i + 1] == rec.ordinals[i] + 1  # the sequence of checkpoints goes on without a hole
    quick = [s for s, _ in again.history.quick_accuracy]
    assert quick[0] == QUICK_EVERY and any(10_070 < s <= 15_070 for s in quick) and quick == sorted(quick)


def test_branch_in_a_training_process_ships_checkpoints_that_follow_on(small):
    """As the app does it: the window keeps the store and sends the branch without it; the training process
    resumes with an outbox, and the checkpoints it ships extend the window's store in order, numbered on, holding
    the weights a second continuation of the same branch reaches."""
    from dataclasses import replace

    tr, store, _ = recorded(small, 2000)
    i = store.index_of(1007)
    b = branch(store, i, tr.history, tr.network)
    process_side = Trainer(preset("video"), small)
    outbox = Recording(process_side.network.params.size, outbox=True)
    process_side.resume(replace(b, recording=None), recording=outbox)
    process_side.run_steps(800)
    store.extend(outbox.take_new())
    assert store.steps[i] == 1007 and store.steps[-1] > 1500 and (np.diff(store.steps) > 0).all()
    assert (np.diff(store.ordinals[i:]) == 1).all()
    replay = Trainer(preset("video"), small)  # the same branch continued again: the same checkpoints
    replay.resume(replace(b, recording=None, history=b.history.truncated(1007, 10_070)))
    replay.run_steps(int(store.steps[-1]) - 1007)
    np.testing.assert_array_equal(replay.network.params, store.params(-1))
