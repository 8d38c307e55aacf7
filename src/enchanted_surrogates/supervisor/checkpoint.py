"""At the end of a campaign session, bring the journal's checkpoint up to date, so the next
resume and `enchanted status` decode only what comes after it (journal_checkpoint), and
stamp the closed dataset files, so a resume that adds no row keeps them (kept_datasets)."""

from __future__ import annotations

import logging
from pathlib import Path

from enchanted_surrogates.cli.campaign_status import STATUS_KEY, StatusReducer
from enchanted_surrogates.journal import checkpoint as journal_checkpoint
from enchanted_surrogates.journal.checkpoint import behind, catch_up, save
from enchanted_surrogates.journal.replay import REPLAY_KEY, REPLAY_ROWS_KEY, replayer
from enchanted_surrogates.storage.kept_datasets import STAMP_KEY, stamp

log = logging.getLogger("enchanted_surrogates.supervisor")

# Below this, rewriting the dataset on a resume costs less than stamping it.
STAMP_AFTER_BYTES = 4 * 1024 * 1024


def refresh_checkpoint(
    journal: Path, keep_rows: bool, dataset: list[Path] | None, config_hash: str
) -> None:
    """Catch the replay (as this campaign resumes it) and the status counts up with the
    journal when enough was appended since the checkpoint (small campaigns skip it), and
    stamp `dataset`, the files closed complete (None if one failed)."""
    key = REPLAY_ROWS_KEY if keep_rows else REPLAY_KEY
    try:
        size = journal.stat().st_size
        extra = {}
        if dataset and size >= STAMP_AFTER_BYTES:
            extra[STAMP_KEY] = stamp(dataset, config_hash)
        if behind(journal, {key, STATUS_KEY}) >= journal_checkpoint.SAVE_AFTER_BYTES:
            catch_up(journal, {key: replayer(keep_rows), STATUS_KEY: StatusReducer}, extra=extra)
        elif extra:
            save(journal, extra, size)
    except OSError as exc:  # a cache: the journal itself is complete
        log.debug("journal checkpoint not refreshed: %s", exc)
