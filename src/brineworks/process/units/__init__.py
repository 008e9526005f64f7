"""Unit operations, one module per family. Importing this package registers them."""

from brineworks.process.units.basic import ComponentSplitter, Mixer, Splitter

__all__ = ["ComponentSplitter", "Mixer", "Splitter"]
