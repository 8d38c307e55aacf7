"""Explicit value lists: every combination of the given values is run once."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, PositiveInt, model_validator

from enchanted_surrogates.samplers.base import SamplerConfig
from enchanted_surrogates.samplers.product import ProductSampler

Value = bool | int | float | str


class ArraySampler(ProductSampler):
    """Runs the cartesian product of user-given value lists.

    For parameters whose interesting values are known (code options, a few resolutions), a
    list is clearer than bounds. Points come in `itertools.product` order (last parameter
    varies fastest) and point i is decoded from its index alone.
    """

    class Config(SamplerConfig):
        model_config = ConfigDict(title="ArraySampler")

        values: list[list[Value]] | None = Field(
            None, description="one non-empty list of values (numbers or strings) per parameter"
        )
        # The original enchanted-surrogates put the lists under `bounds:`; the field is
        # re-typed so that spelling validates, and moved to `values` before validation.
        bounds: list[list[Value]] | None = Field(None, description="legacy spelling of `values`")
        num_samples: PositiveInt | list[PositiveInt] | None = Field(
            None, description="legacy, redundant: list lengths; checked if given"
        )
        budget: PositiveInt | None = Field(
            None, description="run only the first `budget` combinations (default: all)"
        )

        @model_validator(mode="before")
        @classmethod
        def _legacy_bounds_to_values(cls, data: Any) -> Any:
            if not isinstance(data, dict) or data.get("bounds") is None:
                return data
            if data.get("values") is not None:
                raise ValueError("give the value lists under `values` or `bounds`, not both")
            data = dict(data)
            data["values"] = data.pop("bounds")
            return data

        @model_validator(mode="after")
        def _check_values(self) -> ArraySampler.Config:
            if self.values is None:
                raise ValueError("values: one list of values per parameter is required")
            if len(self.values) != len(self.parameters):
                raise ValueError(
                    f"values: {len(self.parameters)} parameters but {len(self.values)} lists"
                )
            for name, values in zip(self.parameters, self.values):
                if not values:
                    raise ValueError(f"values: empty list for {name!r}")
            if self.num_samples is not None:
                expected = self.num_samples
                if isinstance(expected, int):
                    expected = [expected] * len(self.parameters)
                elif len(expected) != len(self.parameters):
                    raise ValueError(
                        f"num_samples: {len(self.parameters)} parameters but "
                        f"{len(expected)} entries"
                    )
                for name, values, count in zip(self.parameters, self.values, expected):
                    if len(values) != count:
                        raise ValueError(
                            f"num_samples: {count} for {name!r} but its list has "
                            f"{len(values)} values"
                        )
            return self

    config: Config

    noun = "combinations"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        cfg = self.Config(**kwargs)
        self.config = cfg
        self.parameters = list(cfg.parameters)
        self.values = [list(v) for v in cfg.values or []]
        self.bounds = None
        self._set_axes(self.values, cfg.budget)
        self.batch_size = cfg.batch_size or self.budget
