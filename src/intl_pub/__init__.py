"""intl-pub: publish an English blog in Spanish, Chinese and Russian, with people in the loop."""

__version__ = "0.1.0"
