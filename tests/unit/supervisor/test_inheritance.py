"""A child's params: the parent's physics under its own names, its per-run columns prefixed."""

from __future__ import annotations

from enchanted_surrogates.supervisor.inheritance import Inheritance, next_stage_params

PARENT = {
    "x": 1.0,
    "q95": 3.2,
    "parent_x": 5,  # a user's own name, not an inherited column
    "success": True,
    "success_helena": True,
    "runtime_sec_helena": 2.5,
    "cpu_sec_helena": 2.4,
    "parent_runtime_sec_chease": 9.0,  # the grandparent's
    "parent_run_dir": "/runs/data/d0_b0_s0_r0",
    "run_dir": "/runs/data/d1_b0_s0_r0",
}


def test_a_child_gets_the_parents_physics_and_prefixed_measurements():
    params = Inheritance(["chease", "helena", "mishka"]).child_params(PARENT, {"n": 2})
    assert params["x"] == 1.0 and params["q95"] == 3.2 and params["parent_x"] == 5
    assert params["n"] == 2
    assert "runtime_sec_helena" not in params and params["parent_runtime_sec_helena"] == 2.5
    assert params["parent_success_helena"] is True and params["parent_cpu_sec_helena"] == 2.4
    assert params["parent_parent_runtime_sec_chease"] == 9.0
    assert params["parent_run_dir"] == "/runs/data/d1_b0_s0_r0"
    assert params["parent_parent_run_dir"] == "/runs/data/d0_b0_s0_r0"
    assert params["run_dir"] == PARENT["run_dir"]  # where original runners look


def test_the_original_names_are_kept_when_asked():
    params = Inheritance(["helena"], prefixed=False).child_params(PARENT, {"n": 2})
    assert params["runtime_sec_helena"] == 2.5 and "parent_runtime_sec_helena" not in params
    assert params["parent_run_dir"] == PARENT["run_dir"]


def test_a_first_level_point_inherits_nothing_and_a_stage_its_predecessors_dir():
    assert Inheritance(["a"]).child_params({}, {"x": 1}) == {"x": 1}
    row = {"x": 1, "runtime_sec_a": 0.1, "run_dir": "/r/d0_b0_s0_r0"}
    assert next_stage_params(row) == {**row, "previous_run_dir": "/r/d0_b0_s0_r0"}
