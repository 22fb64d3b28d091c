"""kaniwa: Amaranth generators for training and decoding accelerators, with NumPy golden models."""

__version__ = "0.1.0"
