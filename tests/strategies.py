"""Hypothesis strategies shared by the optimizer property tests: parameters and gradients."""
import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

settings.register_profile("optcourse", max_examples=60, deadline=None)
settings.load_profile("optcourse")

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, width=64)
vectors = arrays(np.float64, st.integers(1, 6), elements=finite)
# Entries far from underflow (g² must stay a normal float) or exactly zero.
not_tiny = st.floats(1e-6, 1e3) | st.floats(-1e3, -1e-6) | st.just(0.0)


@st.composite
def param_and_grads(draw, steps=5):
    """A parameter vector and ``steps`` gradients of its shape."""
    x = draw(vectors)
    grads = [draw(arrays(np.float64, x.shape, elements=finite)) for _ in range(steps)]
    return x, grads
