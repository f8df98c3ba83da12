"""The Lion/Tiger widget (lesson 08): Tiger is Lion with equal betas; sign steps move every coordinate by lr."""

import numpy as np
import pytest

from optcourse.widgets import LionTigerWidget


def test_tiger_is_lion_with_equal_betas():
    w = LionTigerWidget(beta1=0.9, beta2=0.99, beta=0.95)
    assert np.abs(w.runs["Lion"].path - w.runs["Tiger"].path).max() > 1e-3
    w.match_betas()
    assert w.beta1_control.value == w.beta2_control.value == 0.95
    np.testing.assert_array_equal(w.runs["Lion"].path, w.runs["Tiger"].path)
    assert "the same steps" in w.status.value


def test_sign_updates_move_every_coordinate_by_lr():
    w = LionTigerWidget(surface="himmelblau", lr=0.01)
    for r in w.runs.values():
        steps = np.abs(np.diff(r.path, axis=0))
        assert np.all(np.isclose(steps, 0.01, rtol=1e-9, atol=0) | (steps == 0))
    w.surface_control.value = "quadratic, condition 10"
    assert w.surface.name.startswith("quadratic") and w.lr_control.value == pytest.approx(6 / 200, rel=0.02)
