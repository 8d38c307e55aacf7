"""Import path of the original enchanted-surrogates, kept so plugin parsers load unchanged."""

from enchanted_surrogates.parsers.base import Parser

__all__ = ["Parser"]
