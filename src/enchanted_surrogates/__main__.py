"""`python -m enchanted_surrogates` is the `enchanted` command."""

from enchanted_surrogates.cli.fast_exit import console_main

console_main()
