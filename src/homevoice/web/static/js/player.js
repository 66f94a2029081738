// Speech played while it is still being made: MP3 arrives in pieces and is fed to Media Source
// Extensions, so the first sentence plays before the last is synthesised. Formats that Media Source
// cannot take (WAV, FLAC, Ogg) play once the whole file is in.
const STREAMABLE = { mp3: "audio/mpeg", aac: "audio/aac" };

// Plays the response in the audio element; resolves with the whole audio as a Blob.
export async function playStream(response, audio, format, onFirstAudio) {
  const mime = STREAMABLE[format];
  if (mime && window.MediaSource?.isTypeSupported(mime)) {
    return playThroughMediaSource(response, audio, mime, onFirstAudio);
  }
  const blob = await response.blob();
  audio.src = URL.createObjectURL(blob);
  onFirstAudio();
  await audio.play().catch(() => {});
  return blob;
}

async function playThroughMediaSource(response, audio, mime, onFirstAudio) {
  const source = new MediaSource();
  audio.src = URL.createObjectURL(source);
  await new Promise((resolve) => source.addEventListener("sourceopen", resolve, { once: true }));
  const buffer = source.addSourceBuffer(mime);
  buffer.mode = "sequence";
  const reader = response.body.getReader();
  const pieces = [];
  let started = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pieces.push(value);
    await append(buffer, value);
    if (!started) {
      started = true;
      onFirstAudio();
      audio.play().catch(() => {}); // a blocked autoplay leaves the controls to the person
    }
  }
  if (source.readyState === "open") source.endOfStream();
  return new Blob(pieces, { type: mime });
}

function append(buffer, data) {
  return new Promise((resolve, reject) => {
    buffer.addEventListener("updateend", resolve, { once: true });
    buffer.addEventListener("error", reject, { once: true });
    buffer.appendBuffer(data);
  });
}
