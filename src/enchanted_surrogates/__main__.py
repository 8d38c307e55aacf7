"""`python -m enchanted_surrogates` is the `enchanted` command."""

from enchanted_surrogates.cli.main import main

raise SystemExit(main())
