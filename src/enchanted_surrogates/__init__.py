"""enchanted-surrogates: turn any simulation code into a dataset for surrogate models.

import enchanted_surrogates
df = enchanted_surrogates.run("config.yaml")   # or a dict
"""

from __future__ import annotations

__version__ = "0.1.0"

from enchanted_surrogates.api import run
from enchanted_surrogates.config import ConfigError, load_spec
from enchanted_surrogates.executors.base import Executor
from enchanted_surrogates.runners.base_runner import Runner
from enchanted_surrogates.samplers.base import Sampler
from enchanted_surrogates.status import Status
from enchanted_surrogates.supervisor import Campaign, CampaignRefused

__all__ = [
    "Campaign",
    "CampaignRefused",
    "ConfigError",
    "Executor",
    "Runner",
    "Sampler",
    "Status",
    "__version__",
    "load_spec",
    "run",
]
