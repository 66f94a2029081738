// Notes: search the vault and ask questions answered from it; every result opens in Obsidian.
import { events, getJson, request } from "./api.js";
import { errorText, t } from "./i18n.js";
import { $, element, linkTo, setStatus } from "./ui.js";

function place(passage) {
  const parts = [passage.path];
  if (passage.heading) parts.push(passage.heading);
  if (passage.page) parts.push(t("notes.page", { page: passage.page }));
  return parts.join(" · ");
}

function passageItem(passage, withText) {
  const title = passage.obsidian_uri ? linkTo(passage.obsidian_uri, passage.title || passage.path) : element("span", { text: passage.title });
  const children = [element("strong", {}, [title]), element("p", { className: "hint", text: place(passage) })];
  if (withText) children.push(element("p", { className: "quote", text: passage.text }));
  return element("li", { className: "item column" }, children);
}

export function setupNotes() {
  $("#search-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = $("#search-status");
    const results = $("#search-results");
    results.replaceChildren();
    setStatus(status, t("notes.searching"));
    try {
      const query = new URLSearchParams({ q: $("#search-query").value, limit: "8" });
      const body = await getJson(`/v1/search?${query}`);
      results.replaceChildren(...body.results.map((p) => passageItem(p, true)));
      setStatus(status, body.results.length ? t("notes.found", { count: body.results.length }) : t("notes.none"));
    } catch (err) {
      setStatus(status, errorText(err), true);
    }
  });

  $("#ask-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = $("#ask-status");
    const answer = $("#ask-answer");
    answer.hidden = true;
    $("#ask-citations").replaceChildren();
    setStatus(status, t("notes.thinking"));
    try {
      const body = await getJson("/v1/ask", { method: "POST", json: { question: $("#ask-question").value } });
      answer.textContent = body.answer;
      answer.hidden = false;
      $("#ask-citations").replaceChildren(...body.citations.map((p) => passageItem(p, false)));
      setStatus(status, body.citations.length ? t("notes.sources") : "");
    } catch (err) {
      setStatus(status, errorText(err), true);
    }
  });

  $("#index-refresh").addEventListener("click", async () => {
    const status = $("#index-status");
    const go = $("#index-refresh");
    go.disabled = true;
    setStatus(status, t("notes.indexing"));
    try {
      const job = await (await request("/v1/jobs/index", { method: "POST" })).json();
      const response = await request(`/v1/jobs/${encodeURIComponent(job.id)}/events`);
      for await (const { event, data } of events(response)) {
        if (event !== "done") continue;
        if (data.state === "succeeded") setStatus(status, t("jobs.indexed", data.result));
        else setStatus(status, data.error ? errorText(data.error) : t(`jobs.state.${data.state}`), true);
      }
    } catch (err) {
      setStatus(status, errorText(err), true);
    } finally {
      go.disabled = false;
    }
  });
}
