// Transcripts as files: plain text, SubRip and WebVTT, by the same rules as the server's
// formats.transcript (kept in step by a browser test that compares the two).
export function timestamp(seconds, separator) {
  let millis = Math.max(0, Math.round(seconds * 1000));
  const hours = Math.floor(millis / 3_600_000);
  millis -= hours * 3_600_000;
  const minutes = Math.floor(millis / 60_000);
  millis -= minutes * 60_000;
  const secs = Math.floor(millis / 1000);
  millis -= secs * 1000;
  const two = (n) => String(n).padStart(2, "0");
  return `${two(hours)}:${two(minutes)}:${two(secs)}${separator}${String(millis).padStart(3, "0")}`;
}

// A blank line ends a cue in both formats, and "-->" would be read as timing.
function cueText(text) {
  return text
    .replace(/-{2,}>/g, "->")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .join("\n");
}

export function toSrt(segments) {
  return segments
    .map((s, i) => `${i + 1}\n${timestamp(s.start, ",")} --> ${timestamp(s.end, ",")}\n${cueText(s.text)}\n`)
    .join("\n");
}

export function toVtt(segments) {
  const cues = segments.map((s) => `${timestamp(s.start, ".")} --> ${timestamp(s.end, ".")}\n${cueText(s.text)}\n`);
  return `WEBVTT\n\n${cues.join("\n")}`;
}

export function toText(text) {
  return `${text.trim()}\n`;
}

export function render(format, segments, text) {
  if (format === "srt") return toSrt(segments);
  if (format === "vtt") return toVtt(segments);
  return toText(text);
}
