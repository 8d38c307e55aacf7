"""Parsers: write a code's input files from params, and read its outputs into a row."""

from enchanted_surrogates.parsers.base import Parser

__all__ = ["Parser"]
