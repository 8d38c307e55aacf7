"""A fake PBS Professional for tests: qsub, qstat, qdel that print what PBS prints.

No PBS runs here, so `pbs_commands` is tested against this. Jobs really run: qsub starts
each job (or each subjob of a `-J` array) as a detached `bash SCRIPT`, with PBS's
environment (PBS_JOBID, PBS_ARRAY_INDEX), its `-o` path (`^array_index^` filled in),
`-l walltime=` enforced (Exit_status -29) and qdel as SIGTERM (Exit_status 271). Records
live as JSON files in $FAKE_PBS_DIR; `qstat -x -f -F json` prints them as PBS does.
"""

from __future__ import annotations

import fcntl
import json
import os
import resource
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

SERVER = "fakeserver"
DIR = Path(os.environ.get("FAKE_PBS_DIR", "/tmp/fake_pbs"))


def _path(job_id: str) -> Path:
    return DIR / (job_id.replace("[", "_").replace("]", "_") + ".json")


def _read(job_id: str) -> dict | None:
    try:
        return json.loads(_path(job_id).read_text())
    except (OSError, ValueError):
        return None


def _write(record: dict) -> None:
    part = _path(record["id"]).with_suffix(".part")
    part.write_text(json.dumps(record))
    os.replace(part, _path(record["id"]))


def _next_number() -> int:
    DIR.mkdir(parents=True, exist_ok=True)
    with open(DIR / "counter", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        number = int(handle.read() or 1000) + 1
        handle.seek(0)
        handle.truncate()
        handle.write(str(number))
    return number


def _options(words: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """qsub's options (-J, -W, -l, -N, -o, -e, -j, -q, -A) and the other words."""
    options: dict[str, list[str]] = {}
    rest = []
    words = list(words)
    while words:
        word = words.pop(0)
        if word.startswith("-") and len(word) == 2 and words:
            options.setdefault(word[1], []).append(words.pop(0))
        else:
            rest.append(word)
    return options, rest


def _clock(text: str) -> int:
    seconds = 0
    for part in text.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


def _hms(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def qsub(args: list[str]) -> int:
    options, rest = _options(args)
    script = Path(rest[-1]).resolve()
    directives = []
    for line in script.read_text().splitlines():
        if line.startswith("#PBS"):
            directives += shlex.split(line[4:])
    defaults, _ = _options(directives)
    requests = defaults.get("l", []) + options.get("l", [])
    options = {**defaults, **options, "l": requests}  # the command line wins
    if "q" in options and options["q"][-1] == "nosuchqueue":
        print("qsub: Unknown queue", file=sys.stderr)
        return 170
    walltime = None
    for request in options.get("l", []):
        if request.startswith("walltime="):
            walltime = _clock(request.split("=", 1)[1])
    number = _next_number()
    base = {
        "Job_Name": options.get("N", [script.name])[-1],
        "script": str(script),
        "output": options.get("o", [f"{script.name}.o{number}"])[-1],
        "walltime": walltime,
        "Resource_List": options.get("l", []),
        "submit_args": args,
        "job_state": "Q",
    }
    if "J" in options:
        first, last = (int(x) for x in options["J"][-1].split("-"))
        parent = f"{number}[].{SERVER}"
        _write({**base, "id": parent, "array": True, "job_state": "B"})
        jobs = [(f"{number}[{i}].{SERVER}", i) for i in range(first, last + 1)]
        print(parent)
    else:
        jobs = [(f"{number}.{SERVER}", None)]
        print(jobs[0][0])
    for job_id, index in jobs:
        _write({**base, "id": job_id, "index": index})
        subprocess.Popen(
            [sys.executable, __file__, "_run", job_id],
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return 0


def _run(job_id: str) -> int:
    """Run one job as PBS's mom would, and record how it ended."""
    record = _read(job_id)
    if record is None or record["job_state"] != "Q":
        return 0
    index = record["index"]
    env = {**os.environ, "PBS_JOBID": job_id, "PBS_JOBNAME": record["Job_Name"]}
    output = record["output"]
    if index is not None:
        env["PBS_ARRAY_INDEX"] = str(index)
        output = output.replace("^array_index^", str(index))
    started = time.monotonic()
    with open(output, "w") as out:
        child = subprocess.Popen(
            ["bash", record["script"]],
            env=env,
            cwd=os.environ.get("HOME", "/"),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _write({**record, "job_state": "R", "pid": child.pid, "comment": "Job run"})
        try:
            code = child.wait(timeout=record["walltime"])
            comment = "Job run and finished"
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            code = -29
            comment = f"job killed: walltime exceeded limit {record['walltime']}"
    rusage = resource.getrusage(resource.RUSAGE_CHILDREN)
    record = _read(job_id) or record
    exit_status = 256 - code if -29 < code < 0 else code  # killed by a signal: 256 + it
    record.update(
        job_state="X" if index is not None else "F",
        Exit_status=exit_status,
        comment=comment,
        resources_used={
            "walltime": _hms(time.monotonic() - started),
            "cput": _hms(rusage.ru_utime + rusage.ru_stime),
            "mem": f"{rusage.ru_maxrss}kb",
            "ncpus": 1,
        },
    )
    _write(record)
    return 0


def qstat(args: list[str]) -> int:
    if "-B" in args:
        size = int(os.environ.get("FAKE_PBS_MAX_ARRAY", "10000"))
        print(json.dumps({"pbs_version": "fake", "Server": {SERVER: {"max_array_size": size}}}))
        return 0
    _, ids = _options([a for a in args if a not in {"-x", "-f"}])
    jobs = {}
    code = 0
    for job_id in ids:
        record = _read(job_id)
        if record is None:
            print(f"qstat: Unknown Job Id {job_id}", file=sys.stderr)
            code = 153
            continue
        shown = {k: v for k, v in record.items() if k[0].isupper() or k.endswith("_state")}
        shown.update({k: record[k] for k in ("comment", "resources_used") if k in record})
        jobs[job_id] = shown
    print(json.dumps({"timestamp": int(time.time()), "pbs_version": "fake", "Jobs": jobs}))
    return code


def qdel(args: list[str]) -> int:
    for job_id in args:
        record = _read(job_id)
        if record is None:
            print(f"qdel: Unknown Job Id {job_id}", file=sys.stderr)
            continue
        if record["job_state"] == "Q":
            record.update(job_state="F", comment="Job deleted")
            _write(record)
        elif record["job_state"] == "R":
            os.killpg(record["pid"], signal.SIGTERM)
    return 0


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    if command == "_run":
        sys.exit(_run(rest[0]))
    sys.exit({"qsub": qsub, "qstat": qstat, "qdel": qdel}[command](rest))
