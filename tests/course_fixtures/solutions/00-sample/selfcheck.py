"""Self-checks of the sample lesson (used by the tests of optcourse.course)."""
import numpy as np

from optcourse.course.checks import SelfChecks, function, satisfies
from optcourse.optim import SGD

check = SelfChecks()

check.add("squares", function(inputs=[(np.array([1.0, 2.0, 2.0]),), (np.array([-0.5]),)],
                              reference=lambda x: float(np.linalg.norm(x)) ** 2),
          hint="Square each entry, then add them up; return a Python float.")


def _same_as_sgd(step) -> bool:
    """One step of the answer equals one step of optcourse's SGD with momentum (PyTorch's form)."""
    x, v, g = np.array([1.0, -2.0]), np.array([0.5, 0.25]), np.array([0.3, -0.1])
    x_ref = x.copy()
    sgd = SGD(x_ref, lr=0.1, momentum=0.9)
    sgd.step(np.zeros(2))                 # puts the buffer in the state v=0 ...
    sgd.state["b"][...] = v               # ... then in the state v of this check
    sgd.step(g)
    returned = step(x, v, g, 0.1, 0.9)
    return returned is None and np.allclose(x, x_ref)


check.add("momentum", satisfies(callable, "a function momentum_step(x, v, g, lr, beta)"),
          satisfies(_same_as_sgd, "a function that updates v, then x, in place and returns None"),
          hint="v <- beta * v + g, then x <- x - lr * v; write into the arrays with v[...] = ... and x -= ...")

check.add("condition", satisfies(lambda c: isinstance(c, float) and c >= 1.0,
                                 "a float >= 1 (a condition number is never below 1)"),
          hint="For a symmetric positive definite H it is the largest eigenvalue over the smallest.")
