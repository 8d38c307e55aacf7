"""A plugin written against the original enchanted-surrogates API, for the tests."""
