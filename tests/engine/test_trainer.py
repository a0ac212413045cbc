"""The trainer: phases, determinism, mid-run changes, history, divergence guard, learning."""

import warnings

import numpy as np
import pytest

from engine import ConfigurationError, Network, Phase, Trainer, spawn_seeds
from engine.core import divergences, optimizers
from engine.data.preparation import prepare
from engine.data.toys import generate

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_LABELS = np.array([0, 1, 1, 0])


def spiral_trainer(seed=0, batch_size=10, **kwargs):
    data = prepare(generate("spirals", samples=200, noise=0.1, seed=seed), test_fraction=0.25, seed=seed)
    net = Network.create([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], seed=spawn_seeds(seed)[0])
    options = dict(divergence="bce", optimizer=optimizers.SGD(learning_rate=0.1), batch_size=batch_size,
                   seed=seed, x_test=data.X_test, targets_test=data.labels_test)
    options.update(kwargs)
    return Trainer(net, data.X_train, data.labels_train, **options)


def test_one_iteration_is_forward_divergence_backward_update():
    trainer = spiral_trainer()
    ran = [trainer.advance() for _ in range(len(trainer.phases))]
    assert [str(p) for p in ran] == [
        "forward layer 1", "forward layer 2", "forward layer 3", "divergence",
        "backward layer 3", "backward layer 2", "backward layer 1", "update"]
    assert trainer.iteration == 1 and trainer.next_phase == Phase("forward", 1)


def test_phases_fill_the_trace_and_gradients_in_order():
    trainer = spiral_trainer()
    trainer.advance()
    trace, grads, _ = trainer.current
    assert trace.computed == 1
    while trainer.next_phase != Phase("backward", 2):
        trainer.advance()
    assert np.isfinite(grads.loss) and grads.computed == [3]
    trainer.advance()
    assert grads.computed == [3, 2]


def test_same_seed_gives_bit_identical_weights():
    a, b = spiral_trainer(seed=3), spiral_trainer(seed=3)
    a.run(steps=300)
    b.run(steps=300)
    assert np.array_equal(a.network.parameters, b.network.parameters)
    c = spiral_trainer(seed=4)
    c.run(steps=300)
    assert not np.array_equal(a.network.parameters, c.network.parameters)


def test_phase_stepping_with_interruptions_equals_an_uninterrupted_run():
    whole, stepped = spiral_trainer(seed=1, batch_size=7), spiral_trainer(seed=1, batch_size=7)
    whole.run(steps=100)
    rng = np.random.default_rng(0)
    while stepped.iteration < 100:
        action = rng.integers(3)
        if action == 0:
            stepped.advance()
        elif action == 1:
            stepped.step()
        else:
            stepped.run(steps=int(rng.integers(1, 5)))
    while stepped.mid_iteration:
        stepped.advance()
    extra = stepped.iteration - 100
    whole.run(steps=extra)
    assert np.array_equal(whole.network.parameters, stepped.network.parameters)
    assert np.array_equal(whole.history.loss, stepped.history.loss)


@pytest.mark.parametrize("divergence, output", [("bce", "sigmoid"), ("l2", "sigmoid")])
def test_a_whole_step_shows_the_same_output_gradient_as_its_phases(divergence, output):
    # step() leaves ∂Div/∂y^(N) out where the backward pass uses y − d, and fills it in when read
    data = prepare(generate("spirals", samples=60, noise=0.1, seed=0), test_fraction=0.0, seed=0)
    make = lambda: Trainer(Network.create([2, 5, 1], ["tanh", output], seed=0), data.X_train,  # noqa: E731
                           data.labels_train, divergence=divergence, batch_size=8, seed=0)
    whole, phased = make(), make()
    for _ in range(3):
        whole.step()
        for _ in phased.phases:
            phased.advance()
        (tw, gw, dw), (tp, gp, dp) = whole.current, phased.current
        assert np.array_equal(dw, dp) and np.array_equal(tw.output, tp.output)
        for k in range(1, 3):
            assert np.array_equal(gw.dy[k], gp.dy[k]) and np.array_equal(gw.dz[k], gp.dz[k])
        expected = divergences.get(divergence).gradient(tp.output, dp)
        assert np.array_equal(gw.dy[2], expected)
    assert np.array_equal(whole.network.parameters, phased.network.parameters)


def test_history_records_loss_rate_and_gradient_norms_of_each_iteration():
    trainer = spiral_trainer()
    trainer.step()
    _, grads, _ = trainer.current
    h = trainer.history
    assert len(h) == 1 and h.step[0] == 1 and h.loss[0] == grads.loss
    assert h.learning_rate[0] == 0.1
    expected = [np.linalg.norm(grads.dW[k]) for k in (1, 2, 3)]
    np.testing.assert_allclose(h.gradient_norms[0], expected, rtol=1e-12)


def test_a_learning_rate_change_applies_at_the_next_update_and_is_recorded():
    trainer = spiral_trainer()
    trainer.step()
    before = trainer.network.parameters.copy()
    trainer.configure(learning_rate=0.02)
    trainer.step()
    _, grads, _ = trainer.current
    np.testing.assert_allclose(trainer.network.parameters, before - 0.02 * grads.vector, rtol=0, atol=1e-15)
    assert trainer.history.learning_rate.tolist() == [0.1, 0.02]
    assert (trainer.history.events[-1].step, trainer.history.events[-1].name) == (1, "learning_rate")


def test_divergence_and_optimizer_can_switch_mid_run():
    data = prepare(generate("blobs", samples=120, classes=3, seed=0))
    net = Network.create([2, 6, 3], ["tanh", "softmax"], seed=0)
    trainer = Trainer(net, data.X_train, data.labels_train, divergence="l2",
                      optimizer=optimizers.SGD(learning_rate=0.1))
    trainer.run(steps=20)
    trainer.configure(divergence="cross_entropy", label_smoothing=0.1, optimizer="adam",
                      optimizer_params={"learning_rate": 0.01})
    assert trainer.d[0].max() == pytest.approx(1 - 2 * 0.1)
    trainer.run(steps=20)
    assert trainer.stopped is None and len(trainer.history) == 40
    names = [e.name for e in trainer.history.events]
    assert {"divergence", "label_smoothing", "optimizer"} <= set(names)
    assert trainer.optimizer.name == "adam" and trainer.learning_rate == 0.01


def test_a_bad_change_is_refused_whole_and_nothing_changes():
    trainer = spiral_trainer()
    with pytest.raises(ConfigurationError):
        trainer.configure(learning_rate=0.5, batch_size=0)
    assert trainer.learning_rate == 0.1 and trainer.batch_size == 10
    with pytest.raises(ConfigurationError, match="unknown setting"):
        trainer.configure(lr=0.5)


def test_a_huge_learning_rate_stops_with_a_reason_and_finite_weights():
    data = prepare(generate("sine", samples=64, seed=0))
    net = Network.create([1, 16, 1], ["relu", "identity"], seed=0)
    trainer = Trainer(net, data.X_train, data.targets_train, divergence="l2",
                      optimizer=optimizers.SGD(learning_rate=50.0), batch_size=64)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reason = trainer.run(steps=1000)
    assert reason is not None and reason.kind == "diverged"
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]  # no warning storm
    assert f"iteration {reason.step + 1}" in reason.message and "smaller learning rate" in reason.message
    assert np.all(np.isfinite(trainer.network.parameters))
    assert np.all(np.isfinite(trainer.history.loss)) and len(trainer.history) == reason.step


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("momentum", [0.0, 0.5])
def test_an_update_whose_square_overflows_is_not_applied(dtype, momentum):
    # a finite gradient but Δ·Δ = ∞: plain SGD's bound lr·‖g‖ says "look", so the guard still looks
    lr = 1e300 if dtype == "float64" else 1e30
    data = prepare(generate("spirals", samples=100, noise=0.1, seed=0), seed=0)
    net = Network.create([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], seed=0, dtype=dtype)
    trainer = Trainer(net, data.X_train, data.labels_train, divergence="bce", batch_size=10,
                      optimizer=optimizers.SGD(learning_rate=lr, momentum=momentum))
    before = trainer.network.parameters.copy()
    assert not trainer.step()
    assert trainer.stopped.kind == "diverged" and "update overflows" in trainer.stopped.message
    assert np.array_equal(trainer.network.parameters, before) and trainer.iteration == 0


def test_sgd_bounds_its_update_by_the_gradient_norm_only_without_momentum():
    assert optimizers.SGD(learning_rate=0.1).update_bound(30.0, 0.1) == pytest.approx(3.0)
    assert optimizers.SGD(learning_rate=0.1).update_bound(1e-3, 0.1) == pytest.approx(0.1)  # lr itself
    assert optimizers.SGD(learning_rate=0.1, momentum=0.9).update_bound(1.0, 0.1) == float("inf")
    assert optimizers.Adam().update_bound(1.0, 0.1) == float("inf")


def test_full_batch_is_gradient_descent_on_the_whole_set():
    trainer = spiral_trainer(batch_size=10_000)
    net = trainer.network
    full = net.backward(net.forward(trainer.x), trainer.d, trainer.divergence)
    before = net.parameters.copy()
    trainer.step()
    assert trainer.current[1].loss == pytest.approx(full.loss, rel=1e-12)
    np.testing.assert_allclose(net.parameters, before - 0.1 * full.vector, rtol=1e-12, atol=1e-15)
    assert trainer.epoch == 1.0


def test_epochs_visit_every_sample_once():
    trainer = spiral_trainer(batch_size=16)
    seen = []
    for _ in range(int(np.ceil(len(trainer.x) / 16))):
        trainer.advance()
        seen.append(trainer.current[0].x.copy())
        while trainer.mid_iteration:
            trainer.advance()
    seen = np.concatenate(seen)
    assert trainer.epoch == 1.0
    assert sorted(map(tuple, seen)) == sorted(map(tuple, trainer.x))


def test_evaluation_records_train_and_test_metrics():
    trainer = spiral_trainer(evaluate_every=5)
    trainer.run(steps=10)
    h = trainer.history
    assert h.evaluation("step").tolist() == [5, 10]
    assert np.all((h.evaluation("test_accuracy") >= 0) & (h.evaluation("test_accuracy") <= 1))
    assert h.evaluation("weight_norms").shape == (2, 3)


def test_float32_trains_in_float32():
    trainer = spiral_trainer(seed=0)
    net32 = Network.create([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], seed=0, dtype="float32")
    t32 = Trainer(net32, trainer.x, trainer.targets, divergence="bce", optimizer=optimizers.SGD(learning_rate=0.1))
    t32.run(steps=50)
    assert t32.network.parameters.dtype == np.float32 and t32.current[0].output.dtype == np.float32


def test_xor_2_4_1_reaches_full_accuracy():
    net = Network.create([2, 4, 1], ["tanh", "sigmoid"], seed=spawn_seeds(0)[0])
    trainer = Trainer(net, XOR_X, XOR_LABELS, divergence="bce", optimizer=optimizers.SGD(learning_rate=0.5),
                      batch_size=4)
    trainer.run(steps=2000)
    assert trainer.metrics(trainer.x, trainer.d, trainer.targets)[1] == 1.0


def test_three_class_spiral_reaches_95_percent_within_budget():
    """Budget: 2-64-64-3 relu/softmax, Adam 0.01, batch 32, 3,000 iterations (≈0.3 s here)."""
    data = prepare(generate("spirals_k", samples=300, noise=0.05, classes=3, seed=0))
    net = Network.create([2, 64, 64, 3], ["relu", "relu", "softmax"], seed=spawn_seeds(0)[0])
    trainer = Trainer(net, data.X_train, data.labels_train, divergence="cross_entropy",
                      optimizer=optimizers.Adam(learning_rate=0.01), batch_size=32)
    trainer.run(steps=3000)
    assert trainer.metrics(trainer.x, trainer.d, trainer.targets)[1] >= 0.95


def test_run_stops_at_target_loss_and_epochs():
    trainer = spiral_trainer()
    reason = trainer.run(epochs=2)
    assert reason.kind == "epochs" and trainer.epoch == 2.0
    reason = trainer.run(target_loss=10.0)
    assert reason.kind == "target_loss" and trainer.iteration == 31


def test_inputs_that_disagree_with_the_network_are_refused():
    net = Network.create([3, 2, 1], ["tanh", "sigmoid"])
    with pytest.raises(ConfigurationError, match="3 inputs"):
        Trainer(net, np.zeros((5, 2)), np.zeros(5, int))
    with pytest.raises(ConfigurationError, match="targets"):
        Trainer(net, np.zeros((5, 3)), np.zeros(4, int))


def test_divergence_values_are_per_sample_and_loss_is_their_mean():
    trainer = spiral_trainer()
    trainer.step()
    _, grads, d = trainer.current
    assert grads.divergence_values.shape == (10,)
    assert grads.loss == pytest.approx(grads.divergence_values.mean())
    assert isinstance(trainer.divergence, divergences.BinaryCrossEntropy)


def test_trace_and_gradient_copies_are_independent_and_equal():
    trainer = spiral_trainer()
    trainer.step()
    trace, grads, _ = trainer.current
    t2, g2 = trace.copy(), grads.copy()
    for k in (1, 2, 3):
        assert np.array_equal(t2.z[k], trace.z[k]) and np.array_equal(g2.dW[k], grads.dW[k])
        assert np.array_equal(g2.dz[k], grads.dz[k]) and np.array_equal(g2.db[k], grads.db[k])
    assert g2.computed == grads.computed and g2.loss == grads.loss
    trainer.step()
    assert not np.array_equal(g2.vector, grads.vector)
    assert np.shares_memory(g2.vector, g2.dW[2]) and not np.shares_memory(g2.vector, grads.vector)


def test_new_hyperparameters_for_the_same_optimizer_apply_and_keep_its_state():
    trainer = spiral_trainer(optimizer=optimizers.SGD(learning_rate=0.1, momentum=0.5))
    trainer.run(steps=3)
    state = trainer.optimizer._state["momentum"].copy()
    trainer.configure(optimizer_params={"momentum": 0.9, "nesterov": True})
    assert trainer.optimizer.momentum == 0.9 and trainer.optimizer.nesterov
    assert np.array_equal(trainer.optimizer._state["momentum"], state)
    assert {"momentum", "nesterov"} <= {e.name for e in trainer.history.events}


def test_a_big_set_is_evaluated_block_by_block(monkeypatch):
    trainer = spiral_trainer()
    trainer.run(steps=20)
    whole = trainer.metrics(trainer.x, trainer.d, trainer.targets)
    import engine.training.trainer as trainer_module

    monkeypatch.setattr(trainer_module, "EVALUATION_BYTES", 8 * 2 * (8 + 8 + 1) * 13)  # 13 rows a block
    blocks = trainer.metrics(trainer.x, trainer.d, trainer.targets)
    assert trainer._eval_traces[13].z[1].shape == (13, 8)
    assert blocks[0] == pytest.approx(whole[0], rel=1e-12) and blocks[1] == whole[1]
    assert np.isfinite(blocks[0]) and 0 < blocks[1] <= 1
