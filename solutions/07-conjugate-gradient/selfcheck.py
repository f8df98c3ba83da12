"""Self-checks of lesson 07, conjugate gradient.

Every check compares with what optcourse computes (its exact line search, its linear CG) or checks a
property the answer must have; no answer is written out here.
"""
import numpy as np
import sympy as sp

from optcourse.landscapes.conditioning import spd_matrix
from optcourse.course.checks import SelfChecks, function, satisfies
from optcourse.secondorder.conjugate_gradient import linear_cg
from optcourse.secondorder.linesearch import exact_line_search

check = SelfChecks()


# -- 1. the exact step along a direction -------------------------------------------------------------

def _step_inputs():
    rng = np.random.default_rng(70)
    A3 = spd_matrix([0.5, 2.0, 9.0], seed=71)
    g3 = rng.normal(size=3)
    return [(np.diag([2.0, 8.0]), np.array([1.0, -1.0]), np.array([-1.0, 1.0])),
            (A3, g3, -g3 + 0.3 * rng.normal(size=3))]


check.add("exact-step",
          function(inputs=_step_inputs(), reference=exact_line_search, rtol=1e-9),
          hint="Along the line, f is a parabola in alpha; the exact step is its lowest point. Return a float.")


# -- 2. SymPy: the exact step and the next gradient ------------------------------------------------

def _numbers():
    """Values for the symbols of the lesson's 2-D quadratic (A positive definite)."""
    return {"a11": 3.0, "a12": -1.25, "a22": 2.0, "x1": 0.7, "x2": -1.9, "b1": 0.4, "b2": 1.1}


def _at(expr, values):
    return expr.subs({s: values[s.name] for s in expr.free_symbols if s.name in values})


def _exact_and_orthogonal(answer) -> bool:
    if not (isinstance(answer, tuple) and len(answer) == 2):
        raise AssertionError("pass the pair (alpha_star, g_next)")
    alpha_star, g_next = answer
    if isinstance(alpha_star, (list, tuple)):
        raise AssertionError("alpha_star is a list: sp.solve returns a list of solutions; take the "
                             "expression out of it")
    if not isinstance(alpha_star, sp.Basic):
        raise AssertionError(f"alpha_star should be a SymPy expression, not {type(alpha_star).__name__}")
    if not isinstance(g_next, sp.MatrixBase) or g_next.shape != (2, 1):
        raise AssertionError("g_next should be a 2 x 1 SymPy Matrix, the gradient at the new point")
    names = {s.name for s in alpha_star.free_symbols} | {s.name for s in g_next.free_symbols}
    if "alpha" in names:
        raise AssertionError("put the value of alpha_star into g_next: it should not contain alpha")
    values = _numbers()
    A = np.array([[values["a11"], values["a12"]], [values["a12"], values["a22"]]])
    x, b = np.array([values["x1"], values["x2"]]), np.array([values["b1"], values["b2"]])
    g = A @ x - b
    alpha = float(_at(alpha_star, values))
    if abs(alpha - exact_line_search(A, g, -g)) > 1e-9 * abs(alpha):
        raise AssertionError("alpha_star is not the step that minimises f along -grad f (checked at one "
                             "point with numbers for a11, ..., b2)")
    new = np.array([float(_at(e, values)) for e in g_next])
    if np.allclose(new, g, rtol=1e-9, atol=1e-12):
        raise AssertionError("g_next equals the gradient at the old point x: evaluate the gradient at the "
                             "new point x - alpha_star grad f")
    if not np.allclose(new, A @ (x - alpha * g) - b, rtol=1e-9, atol=1e-12):
        raise AssertionError("g_next differs from the gradient at x - alpha_star grad f (checked at one point "
                             "with numbers for a11, ..., b2); substitute both coordinates at once")
    return True


check.add("orthogonal-gradients",
          satisfies(_exact_and_orthogonal, "(alpha_star, g_next): the exact step along -grad f and the "
                                           "gradient at x - alpha_star grad f, as SymPy objects"),
          answer=("alpha_star", "g_next"),
          hint=("The exact step is where the slope of f along the line vanishes. The new gradient is the "
               "gradient at the moved point: move both coordinates at once, then put alpha_star in for alpha."))


# -- 3. conjugate Gram-Schmidt ------------------------------------------------------------------------

def _conjugate_and_triangular(make_conjugate) -> bool:
    rng = np.random.default_rng(73)
    for n in (2, 4):
        A = spd_matrix(np.linspace(1.0, 6.0, n), seed=74 + n)
        V = rng.normal(size=(n, n))
        given = V.copy()
        D = make_conjugate(A, V)
        if not np.array_equal(V, given):
            raise AssertionError("it changed V; work on a copy")
        if not isinstance(D, np.ndarray) or D.shape != (n, n):
            raise AssertionError(f"return an n x n array (here {n} x {n}) whose columns are the directions")
        C = D.T @ A @ D
        off = C - np.diag(np.diag(C))
        if np.abs(off).max() > 1e-9 * np.abs(np.diag(C)).max():
            raise AssertionError("the columns are not A-conjugate: D.T @ A @ D has non-zero entries "
                                 "off its diagonal")
        T = np.linalg.solve(V, D)          # D = V T: Gram-Schmidt makes T unit upper triangular
        if not (np.allclose(np.tril(T, -1), 0.0, atol=1e-9) and np.allclose(np.diag(T), 1.0, atol=1e-9)):
            raise AssertionError("the columns are conjugate, but column k should be v_k minus a "
                                 "combination of the directions before it (and nothing else)")
    return True


check.add("conjugate-directions",
          satisfies(callable, "a function make_conjugate(A, V)"),
          satisfies(_conjugate_and_triangular, "an n x n array D whose columns are A-conjugate, column k "
                                               "being v_k minus its A-projections on the earlier columns"),
          hint=("Gram-Schmidt in the A inner product: from each column remove its A-projections on the "
               "directions already made (not on the original columns)."))


# -- 4. linear conjugate gradient ---------------------------------------------------------------------

def _library_path(A, b, x0, tol):
    return linear_cg(A, b, x0=x0, tol=tol).path


def _cg_inputs():
    rng = np.random.default_rng(75)
    A5 = spd_matrix(np.geomspace(1.0, 8.0, 5), seed=76)
    return [(np.array([[3.0, 1.0], [1.0, 2.0]]), np.array([1.0, -1.0]), np.zeros(2), 1e-10),
            (A5, rng.normal(size=5), rng.normal(size=5), 1e-8)]


def _cg_stopping_rules(cg_iterates) -> bool:
    """The stopping rules on public systems: tested before an iteration, relative to ||b||, and up to 2n."""
    A = spd_matrix(np.linspace(1.0, 4.0, 6), seed=79)
    b = np.random.default_rng(79).normal(size=6)
    x_star = np.linalg.solve(A, b)
    path = np.asarray(cg_iterates(A, b, x_star.copy()))
    if path.shape != (1, 6):
        raise AssertionError(f"started at the solution of a 6 x 6 system it returned {path.shape[0]} rows; "
                             "test the residual before each iteration (expected the start alone)")
    start = np.ones(6)
    cg_iterates(A, b, start)
    if not np.array_equal(start, np.ones(6)):
        raise AssertionError("it changed x0; work on a copy")
    A = spd_matrix(np.geomspace(1.0, 20.0, 10), seed=79)
    small = 1e-9 * np.random.default_rng(79).normal(size=10)     # b of norm about 3e-9
    path = np.asarray(cg_iterates(A, small, np.zeros(10), tol=1e-10))
    want = linear_cg(A, small, tol=1e-10).path
    if path.shape != want.shape:
        raise AssertionError(f"with b of norm {np.linalg.norm(small):.1e}, it stopped after {path.shape[0] - 1} "
                             f"iterations, too {'early' if path.shape[0] < want.shape[0] else 'late'}: "
                             "the tolerance is relative to ||b||")
    hard = spd_matrix(np.geomspace(1.0, 1e6, 12), seed=80)   # rounding: CG needs more than n steps here
    path = np.asarray(cg_iterates(hard, np.random.default_rng(81).normal(size=12), np.zeros(12), tol=1e-12))
    if not 12 + 1 < len(path) <= 2 * 12 + 1:
        raise AssertionError(f"on a 12 x 12 system with condition number 1e6 it returned {len(path)} rows; "
                             "in floating point CG needs more than n iterations there: stop after 2n, not n")
    return True


check.add("linear-cg",
          satisfies(callable, "a function cg_iterates(A, b, x0, tol=1e-10)"),
          function(inputs=_cg_inputs(), reference=_library_path, rtol=1e-7, atol=1e-9),
          satisfies(_cg_stopping_rules, "the stopping rules: ||r|| <= tol ||b|| tested before each iteration, "
                                        "at most 2n iterations"),
          hint=("Compare your loop with the algorithm in the text line by line, and your stopping rule with the "
               "one asked: when is it tested, and relative to what? Is x_0 among the stored points?"))


# -- 5. predicting CG's iteration count from the spectrum --------------------------------------------

def _measured_steps(eigenvalues, weights):
    """Run optcourse's CG on Q diag(eigenvalues) Q' with b = Q weights, x0 = 0, and count iterations."""
    lam = np.asarray(eigenvalues, dtype=float)
    rng = np.random.default_rng(77)
    Q, _ = np.linalg.qr(rng.normal(size=(lam.size, lam.size)))
    A = (Q * lam) @ Q.T
    return linear_cg((A + A.T) / 2, Q @ np.asarray(weights, dtype=float), tol=1e-10).nit


def _steps_inputs():
    rng = np.random.default_rng(78)
    spread = rng.permutation(np.repeat([1.0, 2.5, 6.0], [4, 3, 5]))
    return [("eigenvalues 2, 2 (1 + 1e-11) and 5: within 1e-8 of each other counts once",
             np.array([2.0, 2.0 * (1 + 1e-11), 5.0, 5.0]), np.ones(4)),
            ("12 eigenvalues in three groups, b touching all", spread, rng.normal(size=12)),
            ("10 distinct eigenvalues, b touching three", np.linspace(1.0, 4.0, 10),
             np.array([0.0, 1.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, -1.0]))]


def _counts_like_cg(predicted_cg_steps) -> bool:
    """The same count as optcourse's CG on each test system (no number is shown either way)."""
    for words, eigenvalues, weights in _steps_inputs():
        got = predicted_cg_steps(eigenvalues.copy(), weights.copy())
        if type(got) is not int:
            raise AssertionError(f"it returned {type(got).__name__} {got!r}; return a Python int "
                                 "(int(...) turns a NumPy integer into one)")
        if got != _measured_steps(eigenvalues, weights):
            raise AssertionError(f"for {words}, CG needs a different number of iterations than your "
                                 f"function predicts")
    return True


check.add("cg-steps",
          satisfies(callable, "a function predicted_cg_steps(eigenvalues, weights)"),
          satisfies(_counts_like_cg, "the number of iterations optcourse's linear_cg needs on the same systems"),
          hint="Only eigenvalues whose eigenvector b actually touches (weight not zero) matter, and "
               "equal eigenvalues count once. Return an int.")


# -- 6. preconditioned CG, and the Jacobi prediction ---------------------------------------------------

def _pcg_inputs():
    """(what it is, A, b, M) with M given as a matrix; the check passes r -> M^-1 r only."""
    rng = np.random.default_rng(60)
    A1 = spd_matrix([2.0, 3.0, 50.0, 400.0, 900.0, 1000.0], seed=61)
    scale = np.geomspace(1.0, 100.0, 30)
    B = rng.normal(size=(30, 30))
    A2 = scale[:, None] * (B @ B.T / 30 + np.eye(30)) * scale[None, :]
    blocks = np.zeros_like(A2)                      # M = A's 3 x 3 diagonal blocks: SPD, not diagonal
    for i in range(0, 30, 3):
        blocks[i:i + 3, i:i + 3] = A2[i:i + 3, i:i + 3]
    A3 = spd_matrix(np.linspace(1.0, 20.0, 12), seed=62)
    return [("a 6 x 6 system with the Jacobi preconditioner", A1, rng.normal(size=6), np.diag(np.diag(A1))),
            ("a badly scaled 30 x 30 system, M = its 3 x 3 diagonal blocks", A2, rng.normal(size=30), blocks),
            ("a 12 x 12 system with M = I (plain CG)", A3, rng.normal(size=12), np.eye(12))]


class _Budgeted(np.ndarray):
    """A matrix that counts its products with vectors and stops a run that does not converge."""

    def __matmul__(self, other):
        self.products = getattr(self, "products", 0) + 1
        if self.products > self.budget:
            raise RuntimeError(f"it multiplied by A {self.budget} times without meeting the tolerance: "
                               "a correct PCG needs far fewer here, so it does not converge")
        return np.asarray(self) @ other


def _pcg_right(preconditioned_cg) -> bool:
    for shown, A, b, M in _pcg_inputs():
        calls = []

        def apply_m_inv(r, M=M):
            calls.append(1)
            if len(calls) > 10 * len(b) + 10:
                raise RuntimeError(f"it called apply_m_inv {len(calls) - 1} times without meeting the tolerance "
                                   f"on {shown}: it does not converge")
            return np.linalg.solve(M, r)

        budgeted = A.copy().view(_Budgeted)
        budgeted.budget = 10 * len(b) + 10
        result = preconditioned_cg(budgeted, b.copy(), apply_m_inv, tol=1e-10)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise AssertionError(f"on {shown} it returned {result!r:.50}; return the pair (x, iterations)")
        x, iterations = result
        if type(iterations) is not int:
            raise AssertionError(f"on {shown} iterations is {type(iterations).__name__}; make it an int")
        if not (isinstance(x, np.ndarray) and x.shape == b.shape):
            raise AssertionError(f"on {shown} x is {x!r:.50}; return x as an array shaped like b")
        reference = linear_cg(A, b, tol=1e-10, preconditioner=lambda r, M=M: np.linalg.solve(M, r))
        if np.linalg.norm(b - A @ x) > 1.0001e-10 * np.linalg.norm(b):
            raise AssertionError(f"on {shown} its x leaves a residual above tol ||b||: it stopped too early or "
                                 "did not solve the system")
        if iterations > reference.nit + 1:
            raise AssertionError(f"on {shown} it takes too many iterations: it does not run CG on the "
                                 "preconditioned system (or tests the stopping rule too late)")
        if iterations < reference.nit - 1:
            raise AssertionError(f"on {shown} it reports too few iterations for the x it returns")
        if not calls:
            raise AssertionError(f"on {shown} it never called apply_m_inv")
    return True


check.add("preconditioned-cg",
          satisfies(callable, "a function preconditioned_cg(A, b, apply_m_inv, tol)"),
          satisfies(_pcg_right, "(x, iterations) of CG on the system preconditioned by M, as fast as "
                                "optcourse's linear_cg with that preconditioner, iterations an int"),
          hint="In the hat system, r_hat'r_hat and p_hat'A_hat p_hat are quantities you can compute without "
               "C: write each with r, p and M. Which vector plays the residual's part in the new direction?")


def _plate_jacobi_iterations() -> int:
    m = 32
    T = 2 * np.eye(m) - np.eye(m, k=1) - np.eye(m, k=-1)
    laplacian = np.kron(T, np.eye(m)) + np.kron(np.eye(m), T)
    rhs = np.full(m * m, 1.0 / (m + 1) ** 2)
    return linear_cg(laplacian, rhs, tol=1e-10, preconditioner=lambda r: r / np.diag(laplacian)).nit


def _jacobi_prediction_right(predicted) -> bool:
    if isinstance(predicted, bool) or type(predicted) is not int:
        raise AssertionError(f"jacobi_plate_iterations is {predicted!r:.30}; store a whole number (int)")
    measured = _plate_jacobi_iterations()
    if predicted != measured:
        raise AssertionError(f"{predicted} is too {'many' if predicted > measured else 'few'}")
    return True


check.add("jacobi-prediction",
          satisfies(_jacobi_prediction_right, "the number of iterations Jacobi-preconditioned CG needs on the "
                                              "plate"),
          answer="jacobi_plate_iterations",
          hint="Write M = diag(A) out for the plate's matrix. What is M^-1 A, and what does CG do with a "
               "matrix multiplied by a constant?")
