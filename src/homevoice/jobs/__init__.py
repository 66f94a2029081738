"""Durable jobs: long work as DBOS workflows on per-model queues, resumable after a crash.

``runtime.JobRuntime`` owns the DBOS lifecycle of one process; ``service.JobService`` is what the
adapters call. The workflow itself lives in ``workflows``; everything else here is pure policy
(chunk boundaries, progress, state names) or storage.
"""
