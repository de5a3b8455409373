/* Briefing QA articles page: add an article with the admin token, then follow its build until it is live.
 *
 * The token is kept in sessionStorage (this tab only) and sent as `Authorization: Bearer <token>`. A write
 * answers at once with its number (`seq`); GET /api/index is polled until `live.seq` reaches it, and the
 * list is then re-read from GET /api/documents. User text is only ever set with textContent.
 */
"use strict";

(() => {
  const TOKEN_KEY = "briefing-qa:admin-token";
  const POLL_MS = 500;
  const POLL_LIMIT = 1200; // 10 minutes of polling at most, then the page stops asking

  const token = {
    get() {
      try { return sessionStorage.getItem(TOKEN_KEY) || ""; } catch { return ""; }
    },
    set(value) {
      try { sessionStorage.setItem(TOKEN_KEY, value); } catch { /* storage off: the field still holds it */ }
    },
    clear() {
      try { sessionStorage.removeItem(TOKEN_KEY); } catch { /* ignore */ }
    },
  };

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function detail(response) {
    try {
      const body = await response.json();
      if (body && typeof body.detail === "string") return body.detail;
    } catch { /* not JSON */ }
    return `The server answered ${response.status}.`;
  }

  function row(doc) {
    const tr = document.createElement("tr");
    tr.dataset.docId = doc.doc_id;
    const date = document.createElement("td");
    date.className = "library__date";
    if (doc.date) {
      const time = document.createElement("time");
      time.dateTime = doc.date;
      time.textContent = doc.date;
      date.append(time);
    } else {
      date.textContent = "Undated";
    }
    const title = document.createElement("td");
    const link = document.createElement("a");
    link.href = `/documents/${encodeURIComponent(doc.doc_id)}`;
    link.textContent = doc.title;
    title.append(link);
    const source = document.createElement("td");
    source.className = "library__source";
    source.textContent = doc.source;
    const passages = document.createElement("td");
    passages.className = "library__num";
    passages.textContent = String(doc.passages);
    tr.append(date, title, source, passages);
    return tr;
  }

  async function refreshList() {
    const response = await fetch("/api/documents");
    if (!response.ok) return;
    const { documents } = await response.json();
    document.querySelector("#documents tbody").replaceChildren(...documents.map(row));
    const count = document.getElementById("library-count");
    count.textContent = `${documents.length} article${documents.length === 1 ? "" : "s"}, newest first`;
  }

  function enhance(admin) {
    admin.hidden = false;
    const tokenForm = document.getElementById("token-form");
    if (!tokenForm) return; // writes are off on this server
    const tokenInput = document.getElementById("admin-token");
    const forget = document.getElementById("forget-token");
    const forms = document.getElementById("admin-forms");
    const progress = document.getElementById("build-progress");
    const message = document.getElementById("build-message");
    let busy = false;

    function say(text, kind = "") {
      message.textContent = text;
      admin.dataset.state = kind;
    }

    function showToken() {
      const has = Boolean(token.get());
      forms.hidden = !has;
      forget.hidden = !has;
      if (has) tokenInput.value = token.get();
    }

    tokenForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = tokenInput.value.trim();
      if (!value) {
        say("Enter the admin token first.", "error");
        return;
      }
      token.set(value);
      say("");
      showToken();
    });
    forget.addEventListener("click", () => {
      token.clear();
      tokenInput.value = "";
      showToken();
    });

    /* Poll GET /api/index until write `seq` is live (or its build failed); show the stage meanwhile. */
    async function follow(result, label) {
      progress.hidden = false;
      progress.value = 0;
      for (let i = 0; i < POLL_LIMIT; i += 1) {
        const response = await fetch("/api/index");
        if (response.ok) {
          const status = await response.json();
          if (status.live && status.live.seq >= result.seq) {
            progress.value = 1;
            await refreshList();
            return true;
          }
          if (status.last_error && status.last_error.seq >= result.seq) {
            say(`The build failed: ${status.last_error.message} The article is saved; the previous index still answers.`,
              "error");
            return false;
          }
          const running = status.running;
          if (running && running.seq >= result.seq) {
            progress.value = running.progress;
            say(`Building the index for ${label}: ${running.stage} (${Math.round(running.progress * 100)}%)…`, "busy");
          } else {
            say(`Waiting for the build of ${label}…`, "busy");
          }
        }
        await sleep(POLL_MS);
      }
      say("The build is taking long; reload the page later to see the article.", "error");
      return false;
    }

    async function submit(body, headers, label) {
      if (busy) return;
      busy = true;
      say(`Sending ${label}…`, "busy");
      try {
        const response = await fetch("/api/documents", {
          method: "POST", body, headers: { ...headers, Authorization: `Bearer ${token.get()}` },
        });
        if (!response.ok) {
          if (response.status === 401) {
            token.clear();
            showToken();
          }
          say(await detail(response), "error");
          return;
        }
        const result = await response.json();
        if (await follow(result, label)) {
          const count = result.doc_ids.length;
          say(`${label} is live (${count} article${count === 1 ? "" : "s"} in ${result.path}). `, "done");
          const chat = document.createElement("a");
          chat.href = "/";
          chat.textContent = "Ask about it in the chat";
          message.append(chat);
          return true;
        }
      } catch {
        say("The server could not be reached.", "error");
      } finally {
        busy = false;
      }
      return false;
    }

    document.getElementById("article-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = event.currentTarget;
      const value = (name) => form.elements[name].value.trim();
      const article = { title: value("title"), text: form.elements.text.value, date: value("date") || null,
        source: value("source") || null, url: value("url") || null };
      if (await submit(JSON.stringify(article), { "Content-Type": "application/json" }, `“${article.title}”`)) {
        form.reset();
      }
    });

    document.getElementById("upload-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = event.currentTarget;
      const file = form.elements.file.files[0];
      if (!file) {
        say("Choose a file first.", "error");
        return;
      }
      const data = new FormData();
      data.append("file", file);
      if (await submit(data, {}, file.name)) form.reset();
    });

    showToken();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const admin = document.getElementById("admin");
    if (admin) enhance(admin);
  });
})();
