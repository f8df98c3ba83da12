"""Lesson 07's exercises: the wrong answers students write fail both the self-check and the hidden
tests; right answers written another way pass both."""
import pytest

from exercises import LessonKernel


@pytest.fixture(scope="module")
def lesson():
    with LessonKernel("07") as kernel:
        yield kernel


def test_exact_step(lesson):
    lesson.assert_rejected("exact-step", {
        "lost the minus sign": "def exact_step(A, g, p):\n    return float(g @ p) / float(p @ A @ p)",
        "g'g on top (steepest descent's formula)": "def exact_step(A, g, p):\n    return float(g @ g) / float(p @ A @ p)",
        "p'p below": "def exact_step(A, g, p):\n    return -float(g @ p) / float(p @ p)",
        "g'Ag below": "def exact_step(A, g, p):\n    return -float(g @ p) / float(g @ A @ g)",
        "the inverse": "def exact_step(A, g, p):\n    return -float(p @ A @ p) / float(g @ p)",
        "an array, not a number": "def exact_step(A, g, p):\n    return -(g * p) / (p @ A @ p)",
    })
    lesson.assert_accepted("exact-step", {
        "by minimising the parabola with np.polyfit-free algebra": """
def exact_step(A, g, p):
    a, b_ = 0.5 * p.dot(A.dot(p)), g.dot(p)
    return float(-b_ / (2 * a))""",
    })


def test_orthogonal_gradients(lesson):
    solve = "alpha_star = sp.solve(sp.diff(f_s.subs({x1: x1 - alpha * grad_s[0], x2: x2 - alpha * grad_s[1]}, simultaneous=True), alpha), alpha)"
    lesson.assert_rejected("orthogonal-gradients", {
        "kept the list sp.solve returns": solve + "\ng_next = grad_s",
        "g_next = the old gradient": solve + "[0]\ng_next = grad_s",
        "the new gradient at x - alpha_star (forgot the direction)": solve + """[0]
g_next = grad_s.subs({x1: x1 - alpha_star, x2: x2 - alpha_star}, simultaneous=True)""",
        "alpha left in g_next": solve + "[0]\ng_next = grad_s.subs({x1: x1 - alpha * grad_s[0], x2: x2 - alpha * grad_s[1]}, simultaneous=True)",
        "the step uphill": """alpha_star = sp.solve(sp.diff(f_s.subs({x1: x1 + alpha * grad_s[0], x2: x2 + alpha * grad_s[1]}, simultaneous=True), alpha), alpha)[0]
g_next = grad_s.subs({x1: x1 + alpha * grad_s[0], x2: x2 + alpha * grad_s[1]}, simultaneous=True).subs(alpha, alpha_star)""",
        "alpha = 1": "alpha_star = sp.Integer(1)\ng_next = grad_s.subs({x1: x1 - grad_s[0], x2: x2 - grad_s[1]}, simultaneous=True)",
    })
    lesson.assert_accepted("orthogonal-gradients", {
        "alpha from the closed form g'g / g'Ag": """
alpha_star = grad_s.dot(grad_s) / grad_s.dot(A_s * grad_s)
g_next = A_s * (x_s - alpha_star * grad_s) - b_s""",
    })


def test_messages_orthogonal_gradients(lesson):
    text = lesson.message("orthogonal-gradients", "alpha_star = sp.solve(alpha - 1, alpha)\ng_next = grad_s")
    assert "list" in text


def test_conjugate_directions(lesson):
    lesson.assert_rejected("conjugate-directions", {
        "projections on the v's, not on the new directions": """
def make_conjugate(A, V):
    D = np.array(V, dtype=float)
    for k in range(V.shape[1]):
        for j in range(k):
            D[:, k] -= (V[:, j] @ A @ V[:, k]) / (V[:, j] @ A @ V[:, j]) * V[:, j]
    return D""",
        "the ordinary inner product": """
def make_conjugate(A, V):
    D = np.array(V, dtype=float)
    for k in range(V.shape[1]):
        for j in range(k):
            D[:, k] -= (D[:, j] @ V[:, k]) / (D[:, j] @ D[:, j]) * D[:, j]
    return D""",
        "changes V in place": """
def make_conjugate(A, V):
    for k in range(V.shape[1]):
        for j in range(k):
            V[:, k] -= (V[:, j] @ A @ V[:, k]) / (V[:, j] @ A @ V[:, j]) * V[:, j]
    return V""",
        "rows instead of columns": """
def make_conjugate(A, V):
    D = np.array(V, dtype=float)
    for k in range(V.shape[0]):
        for j in range(k):
            D[k] -= (D[j] @ A @ V[k]) / (D[j] @ A @ D[j]) * D[j]
    return D""",
        "eigenvectors of A (conjugate, but not from V)": """
def make_conjugate(A, V):
    return np.linalg.eigh(A)[1]""",
        "normalised directions": """
def make_conjugate(A, V):
    D = np.array(V, dtype=float)
    for k in range(V.shape[1]):
        for j in range(k):
            D[:, k] -= (D[:, j] @ A @ D[:, k]) / (D[:, j] @ A @ D[:, j]) * D[:, j]
        D[:, k] /= np.linalg.norm(D[:, k])
    return D""",
    })
    lesson.assert_accepted("conjugate-directions", {
        "modified Gram-Schmidt (projections of the updated column)": """
def make_conjugate(A, V):
    D = np.array(V, dtype=float)
    for k in range(V.shape[1]):
        for j in range(k):
            D[:, k] -= (D[:, j] @ A @ D[:, k]) / (D[:, j] @ A @ D[:, j]) * D[:, j]
    return D""",
    })


CG = """
def cg_iterates(A, b, x0, tol=1e-10):
    x = np.array(x0, dtype=float); r = b - A @ x; p = r.copy(); rr = r @ r; out = [x.copy()]
    for _ in range(LIMIT):
        if BEFORE and np.sqrt(rr) <= STOP:
            break
        Ap = A @ p; alpha = rr / (p @ Ap); x = x + alpha * p; r = r - alpha * Ap
        rr_new = r @ r; p = r + rr_new / rr * p; rr = rr_new; out.append(x.copy())
        if not BEFORE and np.sqrt(rr) <= STOP:
            break
    return np.array(out)
"""


def cg(limit="2 * len(b)", before="True", stop="tol * np.linalg.norm(b)"):
    return CG.replace("LIMIT", limit).replace("BEFORE", before).replace("STOP", stop)


def test_linear_cg(lesson):
    lesson.assert_rejected("linear-cg", {
        "stops after n iterations": cg(limit="len(b)"),
        "tests after the iteration": cg(before="False"),
        "absolute tolerance": cg(stop="tol"),
        "beta from the old residual twice (steepest descent)": cg().replace("p = r + rr_new / rr * p", "p = r.copy()"),
        "returns only the solution": cg().replace("return np.array(out)", "return out[-1]"),
        "changes x0 in place": cg().replace("x = np.array(x0, dtype=float)", "x = x0").replace(
            "x = x + alpha * p", "x += alpha * p"),
        "forgets the start": cg().replace("out = [x.copy()]", "out = []").replace(
            "return np.array(out)", "return np.array(out) if out else x[None, :]"),
    })
    lesson.assert_accepted("linear-cg", {
        "Fletcher-Reeves written with norms, and a while loop": """
def cg_iterates(A, b, x0, tol=1e-10):
    x = x0.astype(float); r = b - A.dot(x); p = r; path = [x]; k = 0
    while np.linalg.norm(r) > tol * np.linalg.norm(b) and k < 2 * len(b):
        q = A.dot(p); a = np.linalg.norm(r) ** 2 / p.dot(q)
        x = x + a * p; r_new = r - a * q
        p = r_new + (np.linalg.norm(r_new) / np.linalg.norm(r)) ** 2 * p
        r = r_new; path.append(x); k += 1
    return np.vstack(path)""",
    })


STEPS = """
def predicted_cg_steps(eigenvalues, weights):
    w = np.abs(np.asarray(weights, dtype=float))
    lam = np.sort(np.asarray(eigenvalues, dtype=float)[w > 1e-12 * w.max()])
    return BODY
"""


def test_cg_steps(lesson):
    lesson.assert_rejected("cg-steps", {
        "np.int64, not int": STEPS.replace("BODY", "np.int64(1 + np.count_nonzero(np.diff(lam) > 1e-8 * lam[1:]))"),
        "np.unique without a tolerance": STEPS.replace("BODY", "len(np.unique(lam))"),
        "ignores the weights": """
def predicted_cg_steps(eigenvalues, weights):
    lam = np.sort(np.asarray(eigenvalues, dtype=float))
    return int(1 + np.count_nonzero(np.diff(lam) > 1e-8 * lam[1:]))""",
        "counts every eigenvalue": "def predicted_cg_steps(eigenvalues, weights):\n    return len(eigenvalues)",
        "counts the non-zero weights": """
def predicted_cg_steps(eigenvalues, weights):
    return int(np.count_nonzero(weights))""",
        "one fewer (forgot the first group)": STEPS.replace("BODY", "int(np.count_nonzero(np.diff(lam) > 1e-8 * lam[1:]))"),
    })
    lesson.assert_accepted("cg-steps", {
        "a loop over sorted values": """
def predicted_cg_steps(eigenvalues, weights):
    w = [abs(float(x)) for x in weights]
    kept = sorted(float(l) for l, x in zip(eigenvalues, w) if x > 1e-12 * max(w))
    groups = 1
    for a, b in zip(kept, kept[1:]):
        if b - a > 1e-8 * abs(b):
            groups += 1
    return groups""",
    })


# -- Exercise 6: preconditioned CG and the Jacobi prediction --------------------------------------------

PCG_RIGHT_BODY = """
    x = np.zeros(len(b)); r = np.array(b, dtype=float); z = apply_m_inv(r); p = z.copy(); rz = r @ z; k = 0
    while np.linalg.norm(r) > tol * np.linalg.norm(b):
        Ap = A @ p; alpha = rz / (p @ Ap); x = x + alpha * p; r = r - alpha * Ap
        z = apply_m_inv(r); rz, old = r @ z, rz; p = z + (rz / old) * p; k += 1
    return x, k
"""
PCG_SIGNATURE = "def preconditioned_cg(A, b, apply_m_inv, tol=1e-10):"
PREDICTION = "\njacobi_plate_iterations = 66\n"


def pcg(body, prediction=PREDICTION):
    return PCG_SIGNATURE + body + prediction


PCG_WRONG = {
    "ignores M (plain CG)": pcg("""
    x = np.zeros(len(b)); r = np.array(b, dtype=float); p = r.copy(); rr = r @ r; k = 0
    while np.linalg.norm(r) > tol * np.linalg.norm(b):
        Ap = A @ p; alpha = rr / (p @ Ap); x = x + alpha * p; r = r - alpha * Ap
        rr, old = r @ r, rr; p = r + (rr / old) * p; k += 1
    return x, k
"""),
    "new direction from r, not z": pcg(PCG_RIGHT_BODY.replace("p = z + (rz / old) * p", "p = r + (rz / old) * p")),
    "r'r in alpha and beta, z only in the direction": pcg("""
    x = np.zeros(len(b)); r = np.array(b, dtype=float); p = apply_m_inv(r); rr = r @ r; k = 0
    while np.linalg.norm(r) > tol * np.linalg.norm(b):
        Ap = A @ p; alpha = rr / (p @ Ap); x = x + alpha * p; r = r - alpha * Ap
        rr, old = r @ r, rr; p = apply_m_inv(r) + (rr / old) * p; k += 1
    return x, k
"""),
    "stops on ||z||, the hat residual": pcg(PCG_RIGHT_BODY.replace(
        "while np.linalg.norm(r) > tol * np.linalg.norm(b):",
        "while np.linalg.norm(z) > tol * np.linalg.norm(apply_m_inv(np.asarray(b, dtype=float))):")),
    "iterations as a NumPy integer": pcg(PCG_RIGHT_BODY.replace("return x, k", "return x, np.int64(k)")),
    "z computed once, from b": pcg(PCG_RIGHT_BODY.replace("z = apply_m_inv(r); rz, old", "rz, old").replace(
        "rz, old = r @ z, rz", "rz, old = r @ z, rz")),
    "the Jacobi prediction: fewer iterations": pcg(PCG_RIGHT_BODY, "\njacobi_plate_iterations = 40\n"),
    "the Jacobi prediction as a float": pcg(PCG_RIGHT_BODY, "\njacobi_plate_iterations = 66.0\n"),
}


def test_preconditioned_cg_rejects(lesson):
    lesson.assert_rejected("preconditioned-cg", PCG_WRONG)


def test_preconditioned_cg_accepts(lesson):
    lesson.assert_accepted("preconditioned-cg", {
        "the loop body written out": pcg(PCG_RIGHT_BODY),
        "in-place updates, r'r by sqrt, the iteration count from a for loop": pcg("""
    x = np.zeros_like(np.asarray(b, dtype=float)); r = np.asarray(b, dtype=float).copy()
    z = np.asarray(apply_m_inv(r.copy())); p = z.copy(); rz = float(np.dot(r, z))
    bound = tol * np.sqrt(np.dot(b, b))
    for k in range(10 * len(b) + 1):
        if np.sqrt(np.dot(r, r)) <= bound:
            return x, k
        q = A @ p; a = rz / float(np.dot(p, q))
        x += a * p; r -= a * q
        z = np.asarray(apply_m_inv(r.copy())); rz_next = float(np.dot(r, z))
        p *= rz_next / rz; p += z; rz = rz_next
    return x, k
""", "\njacobi_plate_iterations = int(np.int64(66))\n"),
    })
