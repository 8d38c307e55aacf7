"""Chunk sizes follow measured run times: bundling only ever happens for short runs."""

from enchanted_surrogates.executors.chunking import ChunkPolicy


def test_no_chunking_before_any_run_time_is_known():
    assert ChunkPolicy().size() == 1


def test_long_runs_are_never_chunked():
    policy = ChunkPolicy()
    for _ in range(50):
        policy.observe(2.0)
    assert policy.size() == 1


def test_short_runs_are_chunked_up_to_the_limit():
    policy = ChunkPolicy(target_sec=0.02, max_chunk=64)
    for _ in range(50):
        policy.observe(0.001)
    assert policy.size() == 20
    for _ in range(200):
        policy.observe(1e-6)
    assert policy.size() == 64


def test_chunks_shrink_again_when_runs_get_longer():
    policy = ChunkPolicy()
    for _ in range(50):
        policy.observe(0.0005)
    assert policy.size() > 1
    for _ in range(100):
        policy.observe(0.5)
    assert policy.size() == 1
