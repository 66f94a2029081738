// Speak: text to speech with a chosen voice, speed and format; playback starts with the first
// sentence, and the whole file can be downloaded when it is done.
import { request } from "./api.js";
import { humanSize } from "./files.js";
import { errorText, t } from "./i18n.js";
import { playStream } from "./player.js";
import { $, setStatus } from "./ui.js";
import { offerVoices } from "./voicelist.js";

const SUFFIXES = { mp3: "mp3", opus: "ogg", aac: "aac", flac: "flac", wav: "wav" };

export function setupSpeak() {
  const audio = $("#speak-audio");
  const status = $("#speak-status");
  const download = $("#speak-download");
  const speed = $("#speak-speed");
  const showSpeed = () => ($("#speak-speed-value").textContent = `${Number(speed.value).toFixed(1)}×`);
  speed.addEventListener("input", showSpeed);
  showSpeed();

  $("#speak-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const go = $("#speak-go");
    const format = $("#speak-format").value;
    go.disabled = true;
    download.hidden = true;
    URL.revokeObjectURL(download.href);
    setStatus(status, t("speak.working"));
    const body = { model: "tts-1", input: $("#speak-text").value, speed: Number(speed.value), response_format: format };
    const voice = $("#speak-voice").value;
    if (voice) body.voice = voice;
    try {
      const response = await request("/v1/audio/speech", { method: "POST", json: body });
      const blob = await playStream(response, audio, format, () => setStatus(status, t("speak.streaming")));
      download.href = URL.createObjectURL(blob);
      download.download = `speech.${SUFFIXES[format]}`;
      download.hidden = false;
      const seconds = Number.isFinite(audio.duration) ? audio.duration.toFixed(1) : "?";
      setStatus(status, t("speak.done", { seconds, size: humanSize(blob.size) }));
    } catch (err) {
      setStatus(status, errorText(err), true);
    } finally {
      go.disabled = false;
    }
  });

  return () => offerVoices($("#speak-voice"));
}
