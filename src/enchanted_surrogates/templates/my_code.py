"""A stand-in simulation: reads input.nml, writes output.json, prints a residual."""

import json
import math
import re
from pathlib import Path

text = Path("input.nml").read_text()
values = {k: float(v) for k, v in re.findall(r"(\w+)\s*=\s*([-+.\deE]+)", text)}
x, y = values["x"], values["y"]
energy = math.exp(-((x - 0.3) ** 2 + (y - 0.6) ** 2) / 0.05)
Path("output.json").write_text(json.dumps({"energy": energy, "iterations": 10}))
print(f"residual={1e-6 * (1 + x):.3e}")
