"""The surrogate kinds `enchanted analyse --surrogate` offers (apart, so the CLI can list
them without importing the models)."""

KINDS = ("gp", "pce")
