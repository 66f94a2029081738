// Saving what the page made (transcripts, audio) as files on the person's device.
import { request } from "./api.js";

const MIME_TYPES = { txt: "text/plain", srt: "application/x-subrip", vtt: "text/vtt", json: "application/json" };

export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function saveText(text, filename, format) {
  saveBlob(new Blob([text], { type: `${MIME_TYPES[format] || "text/plain"};charset=utf-8` }), filename);
}

// A file behind the API key: an <a href> cannot send the key, so it is fetched first.
export async function saveFromServer(path, filename) {
  const response = await request(path);
  saveBlob(await response.blob(), filename);
}

// A file name without the characters file systems refuse.
export function baseName(name, fallback) {
  const stem = (name || "").replace(/\.[^.]*$/, "").replace(/[\\/:*?"<>|\u0000-\u001f]+/g, " ").trim();
  return stem.slice(0, 80) || fallback;
}

export function humanSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
