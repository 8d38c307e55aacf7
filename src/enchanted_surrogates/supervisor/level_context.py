"""What every level of one campaign shares, handed to each `LevelRunner` as one object."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from enchanted_surrogates.config.models import SupervisorConfig
from enchanted_surrogates.storage.run_files import FilePolicy
from enchanted_surrogates.supervisor.policies import FailurePolicy
from enchanted_surrogates.supervisor.recorder import Recorder


@dataclass(frozen=True)
class CampaignContext:
    """Where runs go, how they are recorded, and the policies they follow.

    `nested`: rows carry their level and are kept for the next level to fan out of.
    """

    recorder: Recorder
    data_dir: Path
    supervisor: SupervisorConfig
    policy: FailurePolicy
    nested: bool = False
    secrets: dict = field(default_factory=dict)
    files: FilePolicy | None = None
