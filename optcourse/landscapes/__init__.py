"""What optimizers walk on (lessons 02 and 03).

    surfaces      2-D landscapes with gradients and Hessians
    problems      Moré-Garbow-Hillstrom test problems with exact derivatives
    derivatives   finite differences, gradient checks, SymPy helpers
    critical      critical points, their classification, escaping saddles
    conditioning  condition numbers, SPD test matrices, the angle between -∇f and the way to the minimum
"""
