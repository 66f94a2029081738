// The page: sign-in when the server asks for a key, the language switch, and one screen at a time
// chosen by the address's #fragment (so the back button and bookmarks work).
import { apiKey, onUnauthorised } from "./api.js";
import { setupDictate } from "./dictate.js";
import { apply, errorText, language, onLanguageChange, setLanguage, t } from "./i18n.js";
import { setupJobs } from "./jobs.js";
import { setupNotes } from "./notes.js";
import { setupSpeak } from "./speak.js";
import { $, setStatus } from "./ui.js";
import { loadVoices } from "./voicelist.js";
import { setupVoices } from "./voices.js";

const SCREENS = ["dictate", "speak", "voices", "jobs", "notes"];
const onShow = {};
let signedIn = false;

function showOnly(id) {
  for (const screen of document.querySelectorAll(".screen")) screen.hidden = screen.id !== id;
  $("#loading").hidden = true;
}

function route(focus = true) {
  if (!signedIn) return;
  const wanted = location.hash.slice(1);
  const screen = SCREENS.includes(wanted) ? wanted : SCREENS[0];
  showOnly(screen);
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.hash === `#${screen}`) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = `${t(`nav.${screen}`)} · homevoice`;
  onShow[screen]?.();
  if (focus) $(`#${screen}-title`).focus();
}

function showLogin(message = "") {
  signedIn = false;
  $("#nav").hidden = true;
  $("#sign-out").hidden = true;
  showOnly("login");
  setStatus($("#login-error"), message, Boolean(message));
  $("#login-key").focus();
}

function showApp() {
  signedIn = true;
  $("#nav").hidden = false;
  $("#sign-out").hidden = !apiKey.get();
  route(false);
}

// One cheap call tells whether the server wants a key and whether ours is right; the voices it
// fetches are kept for the screens that offer them.
async function probe() {
  try {
    await loadVoices(true);
    return null;
  } catch (err) {
    return err;
  }
}

async function start() {
  apply(document);
  showLanguageToggle();
  setupDictate();
  onShow.speak = setupSpeak();
  onShow.voices = setupVoices();
  onShow.jobs = setupJobs();
  setupNotes();
  onUnauthorised(() => showLogin(apiKey.get() ? t("login.rejected") : ""));
  window.addEventListener("hashchange", () => route());
  onLanguageChange(() => signedIn && route(false));

  $("#login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    apiKey.set($("#login-key").value.trim());
    const error = await probe();
    if (!error) {
      $("#login-key").value = "";
      showApp();
    } else if (error.status !== 401) {
      setStatus($("#login-error"), errorText(error), true);
    }
  });
  $("#sign-out").addEventListener("click", () => {
    apiKey.set("");
    showLogin();
  });
  $("#language-toggle").addEventListener("click", () => {
    setLanguage(language() === "ru" ? "en" : "ru");
    showLanguageToggle();
  });

  const error = await probe();
  if (!error) showApp();
  else if (error.status !== 401) {
    showApp();
    setStatus($("#dictate-status"), errorText(error), true);
  }
}

// The switch names the other language, in that language.
function showLanguageToggle() {
  const toggle = $("#language-toggle");
  const other = language() === "ru" ? "en" : "ru";
  toggle.lang = other;
  toggle.textContent = other === "ru" ? "Русский" : "English";
}

start();
