"""The Hessian of the training loss: R-operator products against central differences of the gradient,
against a quadratic's closed form, symmetry; Lanczos against the dense spectrum; the second-derivative test."""

from __future__ import annotations

import numpy as np
import pytest

from engine.analysis.critical_points import classify, step_size_rule
from engine.analysis.curvature import curvature, escape_point
from engine.analysis.hessian import dense_hessian, finite_difference_hessian, hessian_vector_product
from engine.analysis.lanczos import lanczos, lanczos_steps
from engine.analysis.training_loss import TrainingLoss
from engine.core import divergences
from engine.core.network import Network
from engine.core.optimizers import SGD
from engine.training.trainer import Trainer

CASES = [
    ([3, 4, 1], ["tanh", "sigmoid"], "bce"),
    ([3, 5, 4, 3], ["sigmoid", "silu", "softmax"], "cross_entropy"),
    ([2, 4, 3, 3], ["elu", "softplus", "softmax"], "kl"),
    ([2, 3, 2], ["tanh", "identity"], "l2"),
    ([2, 3, 3, 1], ["leaky_relu", "tanh", "sigmoid"], "l2"),
]


def make_loss(sizes, acts, div, l2=0.0, fused=True, samples=25, seed=0):
    rng = np.random.default_rng(seed)
    net = Network.create(sizes, acts, seed=seed + 1)
    x = rng.normal(size=(samples, sizes[0]))
    n = sizes[-1]
    d = np.eye(n)[rng.integers(0, n, samples)] if div in ("cross_entropy", "kl") else rng.uniform(size=(samples, n))
    return TrainingLoss.of(net, x, d, divergences.get(div), l2=l2, fused=fused), net.parameters.copy()


@pytest.mark.parametrize("fused", [True, False])
@pytest.mark.parametrize("sizes,acts,div", CASES)
def test_hessian_equals_central_differences_of_the_gradient(sizes, acts, div, fused):
    loss, theta = make_loss(sizes, acts, div, l2=0.05, fused=fused)
    H = dense_hessian(loss, theta)
    F = finite_difference_hessian(loss, theta)
    assert np.abs(H - F).max() <= 1e-7 * max(1.0, np.abs(H).max())
    assert np.abs(H - H.T).max() <= 1e-12 * max(1.0, np.abs(H).max())  # symmetric to rounding


def test_hessian_of_a_linear_network_with_l2_is_the_quadratic_closed_form():
    # one identity layer, Div = ½‖y − d‖²: L = (1/T) Σ ½‖x W + b − d‖² + λ₂·½‖W‖², so
    # ∂²L/∂W_ij∂W_kl = δ_jl ((1/T) XᵀX + λ₂ I)_ik, ∂²L/∂W_ij∂b_l = δ_jl mean x_i, ∂²L/∂b∂b = I
    loss, theta = make_loss([3, 2], ["identity"], "l2", l2=0.3, samples=40)
    x, T, lam = loss.x, loss.T, 0.3
    A = np.block([[x.T @ x / T + lam * np.eye(3), x.mean(axis=0)[:, None]], [x.mean(axis=0)[None, :], np.ones((1, 1))]])
    expected = np.zeros((8, 8))
    # flat order: W[0,0] W[0,1] W[1,0] W[1,1] W[2,0] W[2,1] b[0] b[1]
    rows = [[0, 2, 4, 6], [1, 3, 5, 7]]
    for j in range(2):
        expected[np.ix_(rows[j], rows[j])] = A
    assert np.allclose(dense_hessian(loss, theta), expected, atol=1e-12)


def test_hessian_vector_products_agree_with_the_dense_hessian_and_the_trainer_gradient():
    loss, theta = make_loss(*CASES[1], l2=0.1)
    hvp = hessian_vector_product(loss, theta)
    H = dense_hessian(loss, theta)
    V = np.random.default_rng(3).normal(size=(4, theta.size))
    assert np.allclose(hvp(V), V @ H.T, atol=1e-12)
    assert np.allclose(hvp(V[0]), H @ V[0], atol=1e-12)
    # the gradient is the one the trainer follows (penalty on weights only)
    net = Network(loss.sizes, loss.activations, theta.copy())
    trainer = Trainer(net, loss.x, loss.d, divergence=loss.divergence, optimizer=SGD(learning_rate=1.0),
                      batch_size=loss.T, l2=0.1)
    trainer.step()
    assert np.allclose(theta - net.parameters, hvp.gradient, atol=1e-13)


def test_hessian_lanczos_extreme_eigenvalues_equal_the_dense_ones():
    loss, theta = make_loss([3, 6, 5, 3], ["tanh", "tanh", "softmax"], "cross_entropy", samples=40)
    dense = np.linalg.eigvalsh(dense_hessian(loss, theta))
    result = lanczos(hessian_vector_product(loss, theta), theta.size, steps=theta.size // 2)
    assert result.largest == pytest.approx(dense[-1], rel=1e-8)
    assert result.smallest == pytest.approx(dense[0], rel=1e-6, abs=1e-9)
    assert result.eigenvalues[-2] == pytest.approx(dense[-2], rel=1e-6)


def test_hessian_lanczos_on_a_known_spectrum_step_by_step():
    rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(rng.normal(size=(200, 200)))
    lam = np.r_[-3.0, np.linspace(0.1, 1.0, 198), 10.0]
    H = (Q * lam) @ Q.T
    result = lanczos(lambda v: H @ v, 200, steps=40)
    assert result.largest == pytest.approx(10.0, rel=1e-10) and result.smallest == pytest.approx(-3.0, rel=1e-10)
    assert np.abs(H @ result.vectors[:, -1] - 10.0 * result.vectors[:, -1]).max() < 1e-8
    gen = lanczos_steps(lambda v: H @ v, 200, steps=40)
    first = next(gen)  # a generator: (step, smallest, largest Ritz value) after each product
    assert first[0] == 1 and first[1] == first[2]


def test_hessian_curvature_report_dense_and_extremes_only():
    loss, theta = make_loss(*CASES[0])
    full = curvature(loss, theta)
    assert full.dense and len(full.eigenvalues) == theta.size
    extremes = curvature(loss, theta, top=2, dense_limit=5)
    assert not extremes.dense and len(extremes.eigenvalues) == 4
    assert extremes.largest == pytest.approx(full.largest, rel=1e-8)
    assert not extremes.classification.complete


@pytest.mark.parametrize("eigenvalues,kind,counts", [
    ([2.0], "minimum", (0, 0, 1)),             # x² at 0
    ([-2.0], "maximum", (1, 0, 0)),            # −x² at 0
    ([0.0], "degenerate", (0, 1, 0)),          # x³ at 0
    ([2.0, -2.0], "saddle", (1, 0, 1)),        # x² − y² at 0
    ([0.0, 1.0, 2.0], "degenerate", (0, 1, 2)),
    ([-1.0, -2.0, -0.5, 0.0, 3.0], "saddle", (3, 1, 1)),
])
def test_hessian_classification(eigenvalues, kind, counts):
    c = classify(eigenvalues)
    assert c.kind == kind and (c.negative, c.zero, c.positive) == counts


def test_hessian_classification_words_condition_number_and_step_size_rule():
    c = classify([-1.0, -2.0, -0.5, 3.0])
    assert c.description == "saddle: 3 directions still descend"
    assert classify([-1.0, 3.0]).description == "saddle: 1 direction still descends"
    assert classify([1.0, 50.0]).condition_number == pytest.approx(50.0)
    assert classify([0.0, 1.0]).condition_number == float("inf")
    assert classify([1e-9, 1.0], tolerance=1e-12).kind == "minimum"
    rule = step_size_rule(0.05, 50.0)
    assert rule.product == pytest.approx(2.5) and not rule.stable and "η·λ_max" in rule.warning
    assert rule.limit == pytest.approx(0.04)
    assert step_size_rule(0.039, 50.0).stable and step_size_rule(0.039, 50.0).warning == ""


def test_hessian_of_the_shipped_symmetric_start_is_a_saddle_gradient_descent_cannot_leave():
    from engine.io.experiment import EXAMPLES_DIR, Experiment
    from engine.run import build

    run = build(Experiment.load(EXAMPLES_DIR / "symmetric_saddle.json"))
    loss, theta = TrainingLoss.of_trainer(run.trainer), run.network.parameters.copy()
    report = curvature(loss, theta)
    assert report.classification.kind == "saddle" and report.classification.negative >= 1
    assert np.linalg.norm(report.gradient) == 0.0  # every hidden unit alike: a critical point
    run.trainer.run(steps=20)
    assert np.array_equal(run.network.parameters, theta)  # stuck; a step along the most negative eigenvector escapes
    escaped = escape_point(loss, theta, report, step=0.1)
    assert np.linalg.norm(escaped - theta) == pytest.approx(0.1)
    assert loss.value(escaped) < loss.value(theta) - 1e-4
    run.network.parameters[...] = escaped
    run.trainer.run(steps=300)
    assert run.trainer.history.loss[-1] < 0.5  # off the saddle, training proceeds
    bowl, centre = make_loss([3, 2], ["identity"], "l2", l2=0.1)  # a convex quadratic: no way down
    with pytest.raises(ValueError, match="no saddle"):
        escape_point(bowl, centre, curvature(bowl, centre))
