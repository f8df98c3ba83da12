"""The course's figures (loads Matplotlib).

    plots    landscapes, paths and races, one colour-blind-safe style per optimizer
    animate  animated paths for notebooks and static pages
    figures  the `optcourse-figures` command: a race or a surface as an image file
"""
