"""Comparing the PNGs the widgets draw, pixel by pixel (shared by the widget tests)."""
import io

import numpy as np
from PIL import Image


def pixels(png: bytes) -> np.ndarray:
    """The picture as an (h, w, 3) array of ints."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def changed_fraction(a: bytes, b: bytes) -> float:
    """The share of pixels that differ at all."""
    return float((pixels(a) != pixels(b)).any(axis=-1).mean())


def visibly_changed_fraction(a: bytes, b: bytes, levels: int = 8) -> float:
    """The share of pixels that differ by more than ``levels`` (of 255) in some channel: a picture
    stacked from saved layers differs from one drawn in one go by rounding where they blend."""
    return float((np.abs(pixels(a) - pixels(b)) > levels).any(axis=-1).mean())
