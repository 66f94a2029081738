"""The DBOS lifecycle of one process: configure, launch, declare the queues, and shut down.

DBOS keeps one instance per process, so one JobRuntime runs at a time. With ``listen=False`` the
process only enqueues and reads jobs; workers (``homevoice worker``, or ``serve`` with
``jobs.run_workers``) run them.
"""

from __future__ import annotations

import logging
import threading

from dbos import DBOS
from dbos._utils import GlobalParams

from homevoice.errors import HomevoiceError, JobError
from homevoice.jobs import audiobook_workflow, expand_workflow, index_workflow, webhook_workflow, workflows
from homevoice.jobs.audio_store import DATABASE_UNAVAILABLE, AudioStore, database_error_reason, redacted
from homevoice.jobs.config import database_url, dbos_config, held_dbos_logs, route_dbos_logs
from homevoice.jobs.knowledge_work import KnowledgeWork
from homevoice.jobs.queues import own_queue_names, register_queues, worker_queue_names
from homevoice.jobs.service import JobService
from homevoice.services.audiobooks import AudiobookService
from homevoice.services.transcription import TranscriptionService
from homevoice.services.webhooks import WebhookService
from homevoice.settings import Settings

log = logging.getLogger(__name__)

_active_lock = threading.Lock()
_active: JobRuntime | None = None


class JobRuntime:
    """Blocking, like JobService: an async server calls ``start`` and ``stop`` in a worker thread
    (DBOS refuses its synchronous calls on a thread that runs an event loop)."""

    def __init__(
        self,
        settings: Settings,
        transcription: TranscriptionService,
        *,
        listen: bool,
        audiobooks: AudiobookService | None = None,
        telegram: bool = False,
        knowledge: KnowledgeWork | None = None,
    ) -> None:
        """With ``audiobooks``, this process also renders audiobook jobs; ``telegram``: it runs the
        bot, so it also takes the work that needs it (queued even when it runs no other jobs);
        ``knowledge``: it serves search, so it also runs index refreshes and the daily expand
        (likewise: only this process may open the index)."""
        self._settings = settings
        self._transcription = transcription
        self._listen = listen
        self._audiobooks = audiobooks
        self._telegram = telegram
        self._knowledge = knowledge
        self._audiobook_context: audiobook_workflow.AudiobookContext | None = None
        self._store: AudioStore | None = None
        self._context: workflows.WorkerContext | None = None

    @property
    def database(self) -> str:
        """The jobs database, without its password."""
        return redacted(database_url(self._settings))

    def start(self) -> JobService:
        global _active
        with _active_lock:
            if _active is not None:
                raise JobError("A job runtime is already running in this process; stop it first.")
            _active = self
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop taking jobs. A job in the middle of a chunk is abandoned; when a worker with this id
        starts again (or after ``homevoice jobs recover``) it goes back on its queue and resumes
        from that chunk on whichever worker takes it."""
        global _active
        with _active_lock:
            if _active is not self:
                return  # never started, or already stopped: DBOS belongs to someone else
        if self._context is not None:
            self._context.stopping.set()
        if self._audiobook_context is not None:
            self._audiobook_context.stopping.set()
        if self._knowledge is not None:
            self._knowledge.stopping.set()
        try:
            workflows.unbind()
            audiobook_workflow.binding.unbind()
            index_workflow.binding.unbind()
            expand_workflow.binding.unbind()
            webhook_workflow.unbind()
            DBOS.destroy()
            if self._store is not None:
                self._store.close()
        finally:
            self._store = self._context = self._audiobook_context = None
            with _active_lock:
                _active = None

    def _start(self) -> JobService:
        url = database_url(self._settings)
        # A DBOS__CLOUD=true environment would connect to DBOS's hosted Conductor; never here.
        GlobalParams.dbos_cloud = False
        route_dbos_logs()
        # Before the launch: DBOS resumes unfinished webhook deliveries as it launches.
        webhook_workflow.bind(
            webhook_workflow.WebhookContext(
                hooks=list(self._settings.webhooks),
                publisher=WebhookService(self._settings.webhooks),
                vault_name=self._settings.vault_name,
            )
        )
        expand = self._bind_knowledge()
        try:
            with held_dbos_logs():
                DBOS(config=dbos_config(self._settings, listen=self._listen))
                serves_search = self._knowledge is not None
                if self._listen:
                    DBOS.listen_queues(worker_queue_names(telegram=self._telegram, knowledge=serves_search))
                else:
                    DBOS.listen_queues(own_queue_names(telegram=self._telegram, knowledge=serves_search))
                DBOS.launch()
                register_queues(self._settings.jobs.concurrency_per_model, overwrite=self._listen)
            self._store = AudioStore(url)
            self._store.create()
        except HomevoiceError:
            raise
        except Exception as err:
            raise JobError(
                f"Cannot open the jobs database {redacted(url)}: {database_error_reason(err)}. "
                "Check HOMEVOICE_JOBS__DATABASE_URL and that the database server is running.",
                code=DATABASE_UNAVAILABLE,
            ) from err
        self._context = workflows.WorkerContext(
            transcription=self._transcription,
            store=self._store,
            chunk_s=self._settings.jobs.chunk_s,
            max_duration_s=self._settings.stt.max_duration_s,
        )
        workflows.bind(self._context)
        if self._audiobooks is not None:
            self._audiobook_context = audiobook_workflow.AudiobookContext(self._audiobooks, self._store)
            audiobook_workflow.binding.bind(self._audiobook_context)
        if expand is not None:
            try:
                expand_workflow.schedule_daily_expand(expand)
            except Exception as err:  # the server is useful without it; the next start tries again
                log.warning("expand: cannot schedule the daily run: %s", database_error_reason(err))
        log.info(
            "jobs: %s on %s as %s",
            "running jobs" if self._listen else "queueing only",
            redacted(url),
            GlobalParams.executor_id,
        )
        return JobService(
            self._transcription,
            self._store,
            self._settings.jobs.max_queued_per_model,
            index_model=self._settings.rag.embedder if self._knowledge is not None else None,
        )

    def _bind_knowledge(self) -> expand_workflow.DailyExpand | None:
        """Before the launch: DBOS resumes an unfinished refresh or expand as it launches."""
        if self._knowledge is None:
            return None
        self._knowledge.stopping.clear()
        index_workflow.binding.bind(self._knowledge)
        rag = self._settings.rag
        expand = expand_workflow.DailyExpand(
            self._knowledge, rag, expand_workflow.vault_zone(self._settings.vault.timezone)
        )
        expand_workflow.binding.bind(expand)
        return expand
