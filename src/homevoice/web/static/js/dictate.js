// Dictate: a recording or a file in, the transcript out segment by segment, then copy, download
// or save it as a note in the vault.
import { events, request, streamError } from "./api.js";
import { baseName, saveText } from "./files.js";
import { errorText, t } from "./i18n.js";
import { recordButton } from "./recorder.js";
import { render } from "./subtitles.js";
import { $, linkTo, setStatus } from "./ui.js";

export function setupDictate() {
  const text = $("#dictate-text");
  const status = $("#dictate-status");
  const saved = $("#dictate-saved");
  const actions = [$("#dictate-copy"), $("#dictate-save"), ...document.querySelectorAll("[data-download]")];
  let segments = [];
  let audio = null;
  let busy = false;

  function enableActions(on) {
    for (const button of actions) button.disabled = !on;
  }

  async function transcribe(file) {
    if (busy) return;
    busy = true;
    audio = file;
    segments = [];
    text.value = "";
    text.readOnly = true;
    saved.replaceChildren();
    enableActions(false);
    setStatus(status, t("dictate.working", { name: file.name }));
    const form = new FormData();
    form.append("file", file, file.name);
    form.append("stream", "true");
    const language = $("#dictate-language").value;
    if (language) form.append("language", language);
    try {
      const response = await request("/v1/audio/transcriptions", { method: "POST", form });
      for await (const { data } of events(response)) {
        const error = streamError(data);
        if (error) throw error;
        if (data.type === "transcript.text.delta") {
          segments.push({ start: data.segment.start, end: data.segment.end, text: data.delta.trim() });
          text.value += data.delta;
          setStatus(status, t("dictate.segments", { count: segments.length }));
        } else if (data.type === "transcript.text.done") {
          text.value = data.text;
        }
      }
      const seconds = segments.length ? segments.at(-1).end.toFixed(1) : "0";
      setStatus(status, segments.length ? t("dictate.done", { count: segments.length, seconds }) : t("dictate.nothing"));
    } catch (err) {
      setStatus(status, errorText(err), true);
    } finally {
      busy = false;
      text.readOnly = false;
      enableActions(text.value.trim().length > 0);
    }
  }

  recordButton($("#dictate-record"), $("#dictate-clock"), transcribe, (message) => setStatus(status, message, true));
  $("#dictate-file").addEventListener("change", (event) => {
    const [file] = event.target.files;
    if (file) transcribe(file);
    event.target.value = "";
  });
  const drop = $("#dictate-drop");
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    const [file] = event.dataTransfer.files;
    if (file) transcribe(file);
  });
  text.addEventListener("input", () => enableActions(!busy && text.value.trim().length > 0));

  $("#dictate-copy").addEventListener("click", async () => {
    await navigator.clipboard.writeText(text.value);
    setStatus(status, t("common.copied"));
  });
  for (const button of document.querySelectorAll("[data-download]")) {
    button.addEventListener("click", () => {
      const format = button.dataset.download;
      // Subtitles keep the heard segments and their times; the text file has the corrected text.
      const content = render(format, segments, text.value);
      saveText(content, `${baseName(audio?.name, "transcript")}.${format}`, format);
    });
  }

  $("#dictate-note").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData();
    form.append("text", text.value);
    const title = $("#dictate-title-input").value.trim();
    if (title) form.append("title", title);
    const language = $("#dictate-language").value;
    if (language) form.append("language", language);
    if (audio && $("#dictate-attach").checked) form.append("file", audio, audio.name);
    $("#dictate-save").disabled = true;
    try {
      const note = await (await request("/v1/notes", { method: "POST", form })).json();
      saved.replaceChildren(`${t("dictate.saved", { path: note.path })} `, linkTo(note.obsidian_uri, t("dictate.open")));
    } catch (err) {
      setStatus(saved, errorText(err), true);
    } finally {
      $("#dictate-save").disabled = false;
    }
  });
}
