// The interface language: Russian or English, from the browser at first, then the person's choice.
import { LANGUAGES, STRINGS } from "./strings.js";

const STORAGE_KEY = "homevoice.language";
const listeners = [];
let current = pickLanguage();

function pickLanguage() {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved && saved in STRINGS) return saved;
  const preferred = navigator.languages?.[0] || navigator.language || "en";
  return preferred.toLowerCase().startsWith("ru") ? "ru" : "en";
}

export function language() {
  return current;
}

// A string in the current language; {name} placeholders are filled from vars.
export function t(key, vars = {}) {
  const text = STRINGS[current][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

export function hasString(key) {
  return key in STRINGS[current] || key in STRINGS.en;
}

// What to tell the person about an API error: our words for known codes, else the server's.
export function errorText(error) {
  const key = `error.${error.code}`;
  if (!hasString(key)) return error.message || String(error);
  // The server's message carries specifics (how much speech was found); English readers get it.
  if (current === "en" && error.message && error.code?.startsWith("sample_")) return error.message;
  return t(key);
}

export function setLanguage(lang) {
  current = lang in STRINGS ? lang : "en";
  localStorage.setItem(STORAGE_KEY, current);
  apply(document);
  for (const listener of listeners) listener(current);
}

export function onLanguageChange(listener) {
  listeners.push(listener);
}

// Fill every marked element: data-i18n (text), data-i18n-aria-label, data-i18n-placeholder.
export function apply(root) {
  document.documentElement.lang = current;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-aria-label]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
  }
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.setAttribute("placeholder", t(el.dataset.i18nPlaceholder));
  }
  for (const select of root.querySelectorAll("select.languages")) fillLanguages(select);
}

// Language pickers: "Detect" first, then the languages; the choice survives a language switch.
function fillLanguages(select) {
  const chosen = select.value;
  const short = select.dataset.short === "true";
  const options = [["", t("common.auto")], ...(short ? LANGUAGES.slice(0, 2) : LANGUAGES)];
  select.replaceChildren(...options.map(([code, name]) => new Option(name, code)));
  select.value = chosen;
}
