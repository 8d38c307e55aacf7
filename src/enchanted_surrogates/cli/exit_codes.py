"""The exit statuses of `enchanted` (documented in docs/cli.md), in one place."""

EXIT_OK, EXIT_USAGE, EXIT_ABORTED, EXIT_ALL_FAILED = 0, 2, 3, 4
EXIT_DISK_FULL = 5  # the disk (or quota) filled up during the campaign
