"""Dataset writers, all derived from the journal."""
