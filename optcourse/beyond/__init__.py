"""Beyond gradient methods (lesson 10).

    heuristics      simulated annealing, genetic algorithm, particle swarm, ant colony
    constrained     projections, projected and proximal gradient, soft thresholding, coordinate descent
    multiobjective  dominance, non-dominated sorting, crowding distance, NSGA-II
"""
