// Voices: the enrolled voices with their samples, and enrolment from the microphone or a file,
// with the server's sample checks explained in plain words.
import { request } from "./api.js";
import { errorText, t } from "./i18n.js";
import { recordButton } from "./recorder.js";
import { $, button, element, formatDate, setStatus } from "./ui.js";
import { voicesChanged } from "./voicelist.js";

export function setupVoices() {
  const status = $("#voices-status");
  const enrolError = $("#enrol-error");
  const enrolResult = $("#enrol-result");
  let sample = null;

  function chooseSample(file) {
    sample = file;
    $("#enrol-sample").textContent = t("voices.sample", { name: file.name });
  }

  async function show() {
    let voices;
    try {
      voices = await voicesChanged();
    } catch (err) {
      setStatus(status, errorText(err), true);
      return;
    }
    const enrolled = voices.filter((v) => v.enrolled);
    $("#voices-empty").hidden = enrolled.length > 0;
    const engine = enrolled[0]?.engine;
    $("#voices-engine").textContent = !engine
      ? ""
      : enrolled[0].approximate
        ? t("voices.engine.match")
        : t("voices.engine.clone", { engine });
    $("#voices-list").replaceChildren(...enrolled.map(voiceItem));
  }

  function voiceItem(voice) {
    const player = element("audio", { attrs: { controls: "", preload: "none", "aria-label": voice.id } });
    player.hidden = true;
    const details = t("voices.details", {
      language: voice.languages.join(", "),
      seconds: Number(voice.speech_s).toFixed(1),
      when: formatDate(voice.enrolled_at),
    });
    const listen = button(t("common.listen"), async () => {
      try {
        const response = await request(`/v1/audio/voices/${encodeURIComponent(voice.id)}/sample`);
        player.src = URL.createObjectURL(await response.blob());
        player.hidden = false;
        await player.play().catch(() => {});
      } catch (err) {
        setStatus(status, errorText(err), true);
      }
    });
    const remove = button(t("common.delete"), async () => {
      if (!window.confirm(t("voices.confirmDelete", { name: voice.id }))) return;
      try {
        await request(`/v1/audio/voices/${encodeURIComponent(voice.id)}`, { method: "DELETE" });
        setStatus(status, t("voices.deleted", { name: voice.id }));
        await show();
      } catch (err) {
        setStatus(status, errorText(err), true);
      }
    }, "danger");
    listen.setAttribute("aria-label", `${t("common.listen")}: ${voice.id}`);
    remove.setAttribute("aria-label", `${t("common.delete")}: ${voice.id}`);
    return element("li", { className: "item" }, [
      element("div", { className: "grow" }, [
        element("strong", { text: voice.id }),
        element("p", { className: "hint", text: details }),
        element("p", { className: "quote", text: voice.transcript }),
        player,
      ]),
      element("div", { className: "row" }, [listen, remove]),
    ]);
  }

  recordButton($("#enrol-record"), $("#enrol-clock"), chooseSample, (message) => setStatus(enrolError, message, true));
  $("#enrol-file").addEventListener("change", (event) => {
    const [file] = event.target.files;
    if (file) chooseSample(file);
  });

  $("#enrol-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    enrolError.textContent = "";
    enrolResult.textContent = "";
    if (!sample) {
      setStatus(enrolError, t("voices.noSample"), true);
      return;
    }
    const form = new FormData();
    form.append("name", $("#enrol-name").value.trim());
    form.append("file", sample, sample.name);
    const transcript = $("#enrol-transcript").value.trim();
    if (transcript) form.append("transcript", transcript);
    const language = $("#enrol-language").value;
    if (language) form.append("language", language);
    const go = $("#enrol-go");
    go.disabled = true;
    setStatus(enrolResult, t("voices.working"));
    try {
      const voice = await (await request("/v1/audio/voices", { method: "POST", form })).json();
      setStatus(enrolResult, t("voices.enrolled", { name: voice.id, transcript: voice.transcript }));
      event.target.reset();
      sample = null;
      $("#enrol-sample").textContent = "";
      await show();
    } catch (err) {
      enrolResult.textContent = "";
      setStatus(enrolError, errorText(err), true);
    } finally {
      go.disabled = false;
    }
  });

  return show;
}
