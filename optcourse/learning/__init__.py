"""Learning from data (lessons 01 and 03).

    data           the 8x8 digits (shipped in datasets/), synthetic data, minibatches
    linear_models  least squares and logistic regression losses, minibatch descent and its noise
    network        a tiny NumPy MLP and loss-landscape probes
    training       a training loop that records what happened
"""
