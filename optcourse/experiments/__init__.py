"""Running optimizers and comparing them fairly (lesson 09).

    runner   run any optimizer (or minimize method) on a surface and record path, loss, gradient norm
    tuning   success, steps to a threshold, learning-rate tuning over random starts
"""
