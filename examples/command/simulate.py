"""A stand-in for a simulation code: reads input.nml, prints progress, writes output.json.

Plain Python on purpose (only f90nml to read the namelist), like an external program.
"""

import json

import f90nml

params = f90nml.read("input.nml")["params"]
x, y = params["x"], params["y"]

energy = (x - 0.3) ** 2 + 2 * (y - 0.7) ** 2

# A solver loop in miniature: halve the residual until it is below the tolerance, so
# points far from the minimum take more iterations.
residual, iterations = energy, 0
while residual > 1e-6:
    residual /= 2
    iterations += 1

print(f"converged after {iterations} iterations, residual={residual:.3e}")
print(f"energy={energy:.12g}")

with open("output.json", "w") as handle:
    json.dump({"energy": energy, "iterations": iterations}, handle)
