// The server's voices, shared by the screens that offer a voice; reloaded after an enrolment.
import { getJson } from "./api.js";
import { t } from "./i18n.js";
import { element } from "./ui.js";

let cached = null;
const selects = [];

export async function loadVoices(fresh = false) {
  if (!cached || fresh) {
    cached = getJson("/v1/audio/voices").then((body) => body.data);
    cached.catch(() => (cached = null));
  }
  return cached;
}

// Keeps a <select> filled with "default", then built-in and enrolled voices in two groups.
export function offerVoices(select) {
  if (!selects.includes(select)) selects.push(select);
  return fill(select);
}

export async function voicesChanged() {
  const voices = await loadVoices(true);
  await Promise.all(selects.map((select) => fill(select, voices)));
  return voices;
}

async function fill(select, voices) {
  const list = voices || (await loadVoices());
  const chosen = select.value;
  const group = (label, items) =>
    element(
      "optgroup",
      { attrs: { label } },
      items.map((v) => new Option(`${v.id} (${(v.languages || []).join(", ")})`, v.id)),
    );
  const builtin = list.filter((v) => !v.enrolled);
  const enrolled = list.filter((v) => v.enrolled);
  const options = [new Option(t("speak.default"), ""), group(t("speak.builtin"), builtin)];
  if (enrolled.length) options.push(group(t("speak.enrolled"), enrolled));
  select.replaceChildren(...options);
  if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
}
