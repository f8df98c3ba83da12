"""Second-order and conjugate methods (lessons 06 and 07).

    minimizer           minimize(): Newton, DFP, BFGS, L-BFGS, nonlinear CG and gradient descent, scipy-style
    linesearch          Armijo backtracking, strong Wolfe, exact steps on quadratics; the acceptable steps
    conjugate_gradient  linear CG for symmetric positive definite systems, and its error bounds
    roots               Newton's method for a root of a scalar function
"""
