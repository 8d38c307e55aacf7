"""An example plugin package: runners and parsers shipped outside enchanted-surrogates."""
