// Jobs: long transcriptions and audiobooks queued on the server, followed live (server-sent
// events), cancelled, and their results downloaded.
import { events, getJson, request } from "./api.js";
import { baseName, saveFromServer, saveText } from "./files.js";
import { errorText, t } from "./i18n.js";
import { render } from "./subtitles.js";
import { $, button, element, formatDate, setStatus } from "./ui.js";
import { offerVoices } from "./voicelist.js";

const FINISHED = new Set(["succeeded", "failed", "cancelled"]);

export function setupJobs() {
  const list = $("#jobs-list");
  const rows = new Map(); // job id -> {job, item}
  const followed = new Set();

  function kind() {
    return document.querySelector("input[name=kind]:checked").value;
  }

  function showKind() {
    const book = kind() === "audiobook";
    $("#job-voice-field").hidden = !book;
    $("#job-format-field").hidden = !book;
    $("#job-language-field").hidden = book;
    const label = $("#job-file-label");
    label.dataset.i18n = book ? "jobs.documentFile" : "jobs.audioFile";
    label.textContent = t(label.dataset.i18n);
    $("#job-file").accept = book ? ".pdf,.epub,.md,.markdown,.txt" : "audio/*,video/*";
  }
  for (const radio of document.querySelectorAll("input[name=kind]")) radio.addEventListener("change", showKind);

  $("#job-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const [file] = $("#job-file").files;
    const form = new FormData();
    form.append("file", file, file.name);
    let path = "/v1/jobs/transcriptions";
    if (kind() === "audiobook") {
      path = "/v1/jobs/audiobooks";
      if ($("#job-voice").value) form.append("voice", $("#job-voice").value);
      form.append("response_format", $("#job-format").value);
    } else if ($("#job-language").value) {
      form.append("language", $("#job-language").value);
    }
    $("#job-error").textContent = "";
    try {
      const job = await (await request(path, { method: "POST", form })).json();
      update(job);
      follow(job.id);
      $("#job-file").value = "";
    } catch (err) {
      setStatus($("#job-error"), errorText(err), true);
    }
  });

  function update(job) {
    const known = rows.get(job.id);
    const item = jobItem(job);
    if (known) known.item.replaceWith(item);
    else list.prepend(item);
    rows.set(job.id, { job, item });
    $("#jobs-empty").hidden = rows.size > 0;
  }

  function jobItem(job) {
    const name = job.name || job.result?.audiobook?.title;
    const title = [t(`jobs.${job.kind}`), name].filter(Boolean).join(": ");
    const state = element("span", { className: `badge ${job.state}`, text: t(`jobs.state.${job.state}`) });
    const bar = element("progress", {
      attrs: { max: "1", value: String(job.progress), "aria-label": `${t("jobs.progress")}: ${title}` },
    });
    const percent = `${Math.round(job.progress * 100)} %`;
    const eta = job.state === "running" && job.eta_s ? ` · ${t("jobs.eta", { minutes: Math.ceil(job.eta_s / 60) })}` : "";
    const children = [
      element("div", { className: "row spread" }, [element("strong", { text: title }), state]),
      element("p", { className: "hint", text: [formatDate(job.created_at), job.model].filter(Boolean).join(" · ") }),
    ];
    if (!FINISHED.has(job.state)) {
      children.push(element("div", { className: "row" }, [bar, element("span", { text: percent + eta })]));
      children.push(button(t("common.cancel"), () => cancel(job), "danger"));
    }
    if (job.state === "failed" && job.error) {
      children.push(element("p", { className: "error", text: errorText(job.error) }));
    }
    if (job.state === "succeeded" && job.result) children.push(results(job));
    return element("li", { className: "item column", attrs: { "data-job": job.id } }, children);
  }

  function results(job) {
    const row = element("div", { className: "row actions" });
    if (job.kind === "transcription") {
      const stem = baseName(job.name, "transcript");
      for (const format of ["txt", "srt", "vtt"]) {
        row.append(
          button(`.${format}`, () => saveText(render(format, job.result.segments, job.result.text), `${stem}.${format}`, format)),
        );
      }
      row.append(element("p", { className: "quote", text: job.result.text.slice(0, 300) }));
    } else if (job.kind === "audiobook") {
      const book = job.result.audiobook;
      for (const file of book.files) {
        const path = `/v1/audiobooks/${encodeURIComponent(book.id)}/files/${encodeURIComponent(file.name)}`;
        row.append(button(file.name, () => saveFromServer(path, file.name).catch((err) => fail(err))));
      }
    } else if (job.kind === "index") {
      row.append(element("p", { className: "hint", text: t("jobs.indexed", job.result) }));
    }
    return row;
  }

  function fail(err) {
    setStatus($("#jobs-status"), errorText(err), true);
  }

  async function cancel(job) {
    try {
      update(await getJson(`/v1/jobs/${encodeURIComponent(job.id)}`, { method: "DELETE" }));
    } catch (err) {
      fail(err);
    }
  }

  async function follow(id) {
    if (followed.has(id)) return;
    followed.add(id);
    try {
      const response = await request(`/v1/jobs/${encodeURIComponent(id)}/events`);
      for await (const { event, data } of events(response)) {
        const known = rows.get(id)?.job;
        if (event === "done") update(data);
        else if (known) update({ ...known, state: data.state, progress: data.progress });
      }
    } catch (err) {
      fail(err);
    } finally {
      followed.delete(id);
    }
  }

  async function show() {
    setStatus($("#jobs-status"), "");
    try {
      const body = await getJson("/v1/jobs?limit=30");
      for (const job of [...body.data].reverse()) update(job);
      for (const job of body.data) if (!FINISHED.has(job.state)) follow(job.id);
    } catch (err) {
      fail(err);
    }
    await offerVoices($("#job-voice")).catch(fail);
  }

  $("#jobs-refresh").addEventListener("click", show);
  showKind();
  return show;
}
