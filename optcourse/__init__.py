"""optcourse: the library behind an open course on optimization for deep learning."""
from . import optim

__version__ = "0.1.0"
__all__ = ["optim"]
