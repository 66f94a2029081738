// Small DOM helpers shared by the screens. Text from the server is only ever set as text, never as HTML.
export function $(selector) {
  return document.querySelector(selector);
}

export function setStatus(element, message, isError = false) {
  element.textContent = message;
  element.classList.toggle("error", isError);
}

export function element(tag, { className, text, attrs } = {}, children = []) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  for (const [name, value] of Object.entries(attrs || {})) el.setAttribute(name, value);
  el.append(...children);
  return el;
}

export function button(label, onClick, className) {
  const el = element("button", { className, text: label, attrs: { type: "button" } });
  el.addEventListener("click", onClick);
  return el;
}

export function linkTo(href, label) {
  return element("a", { text: label, attrs: { href } });
}

export function formatDate(value) {
  const date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
  return date.toLocaleString(document.documentElement.lang, { dateStyle: "medium", timeStyle: "short" });
}
