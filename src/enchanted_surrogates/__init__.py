"""enchanted-surrogates: turn any simulation code into a dataset for surrogate models.

    import enchanted_surrogates
    df = enchanted_surrogates.run("config.yaml")   # or a dict
"""

from __future__ import annotations

__version__ = "0.1.0"

from enchanted_surrogates.api import run  # noqa: E402
from enchanted_surrogates.config import ConfigError, load_spec  # noqa: E402
from enchanted_surrogates.executors.base import Executor  # noqa: E402
from enchanted_surrogates.runners.base_runner import Runner  # noqa: E402
from enchanted_surrogates.samplers.base import Sampler  # noqa: E402
from enchanted_surrogates.status import Status  # noqa: E402
from enchanted_surrogates.supervisor import Campaign, CampaignRefused  # noqa: E402

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
