// Microphone recording with MediaRecorder, behind one Record/Stop button with a running clock.
import { t } from "./i18n.js";

const TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4", "audio/webm"];
const SUFFIXES = { "audio/webm": ".webm", "audio/ogg": ".ogg", "audio/mp4": ".m4a" };

export class RecorderError extends Error {}

async function openMicrophone() {
  if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === "undefined") {
    throw new RecorderError(t("record.unsupported"));
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: false, autoGainControl: true },
    });
  } catch {
    throw new RecorderError(t("record.denied"));
  }
}

// Wires a button: the first press records, the second stops and hands over the recording as a File.
export function recordButton(button, clock, onRecording, onError) {
  let recorder = null;
  let timer = 0;

  function showClock(startedAt) {
    const seconds = Math.floor((Date.now() - startedAt) / 1000);
    clock.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }

  function showState(recording) {
    button.setAttribute("aria-pressed", String(recording));
    button.dataset.i18n = recording ? "record.stop" : "record.start";
    button.textContent = t(button.dataset.i18n);
    button.classList.toggle("recording", recording);
  }

  async function start() {
    const stream = await openMicrophone();
    const mimeType = TYPES.find((type) => MediaRecorder.isTypeSupported(type)) || "";
    recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
    const chunks = [];
    recorder.addEventListener("dataavailable", (event) => event.data.size && chunks.push(event.data));
    recorder.addEventListener("stop", () => {
      for (const track of stream.getTracks()) track.stop();
      clearInterval(timer);
      showState(false);
      const type = (recorder.mimeType || "audio/webm").split(";")[0];
      const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, "-");
      recorder = null;
      onRecording(new File(chunks, `${t("dictate.recording")} ${stamp}${SUFFIXES[type] || ".webm"}`, { type }));
    });
    recorder.start(1000);
    const startedAt = Date.now();
    showClock(startedAt);
    timer = setInterval(() => showClock(startedAt), 500);
    showState(true);
  }

  button.addEventListener("click", async () => {
    if (recorder) {
      recorder.stop();
      return;
    }
    try {
      await start();
    } catch (err) {
      showState(false);
      onError(err.message);
    }
  });
}
