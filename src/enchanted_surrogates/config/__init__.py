"""Config loading and validation: YAML -> CampaignSpec, or one line per problem."""

from enchanted_surrogates.config.errors import ConfigError, Problem
from enchanted_surrogates.config.spec import CampaignSpec, EntrySpec, LevelSpec, load_spec

__all__ = ["CampaignSpec", "ConfigError", "EntrySpec", "LevelSpec", "Problem", "load_spec"]
