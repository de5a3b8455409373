/* Briefing QA chat: progressive enhancement of the server-rendered page.
 *
 * Without this script the forms post to /ask and the server redirects to /?c=<id>. With it, a question
 * goes to POST /api/ask and the reply is shown by fetching that turn's server-rendered HTML from
 * /fragments/turn, the same template the full page uses. User text is only ever set with textContent.
 */
"use strict";

(() => {
  const STORAGE_KEY = "briefing-qa:conversation";
  const COOKIE = "qa_conversation";

  const stored = {
    get() {
      try { return localStorage.getItem(STORAGE_KEY); } catch { return null; }
    },
    set(id) {
      try { localStorage.setItem(STORAGE_KEY, id); } catch { /* private mode: the URL and cookie still work */ }
      document.cookie = `${COOKIE}=${encodeURIComponent(id)}; path=/; max-age=2592000; SameSite=Lax`;
    },
    clear() {
      try { localStorage.removeItem(STORAGE_KEY); } catch { /* ignore */ }
      document.cookie = `${COOKIE}=; path=/; max-age=0; SameSite=Lax`;
    },
  };

  function showCited() {
    const cited = document.getElementById("cited");
    if (cited) {
      cited.scrollIntoView({ block: "center" });
      cited.focus({ preventScroll: true });
    }
  }

  /* On "/" with nothing rendered, reopen the conversation this browser had, if the server still knows it. */
  async function restore(log) {
    const saved = stored.get();
    if (!saved || log.dataset.conversationId) return;
    try {
      const response = await fetch(`/api/conversations/${encodeURIComponent(saved)}`);
      if (response.ok) {
        const conversation = await response.json();
        if (conversation.turns.length) location.replace(`/?c=${encodeURIComponent(saved)}`);
      } else if (response.status === 404) {
        stored.clear();
      }
    } catch { /* offline or server restarting: keep the empty page */ }
  }

  function setConversation(id) {
    document.getElementById("conversation").dataset.conversationId = id;
    for (const input of document.querySelectorAll('input[name="conversation_id"]')) input.value = id;
    stored.set(id);
    history.replaceState(null, "", `/?c=${encodeURIComponent(id)}`);
  }

  function pendingTurn(question) {
    const article = document.createElement("article");
    article.className = "turn turn--pending";
    const asked = document.createElement("div");
    asked.className = "bubble bubble--question";
    const text = document.createElement("p");
    text.textContent = question;
    asked.append(text);
    const waiting = document.createElement("div");
    waiting.className = "bubble reply reply--pending";
    waiting.textContent = "Looking through the briefing…";
    article.append(asked, waiting);
    return article;
  }

  async function errorDetail(response) {
    try {
      const body = await response.json();
      if (typeof body.detail === "string" && body.detail) return body.detail;
    } catch { /* not JSON */ }
    return `The server answered ${response.status}.`;
  }

  async function ask(question, log) {
    const conversationId = log.dataset.conversationId || null;
    // A scope from "Ask about this article" (/?doc=ID) rides along until the conversation stores it.
    const pending = [...document.querySelectorAll('#ask-form input[name="doc_ids"]')];
    const body = { question, conversation_id: conversationId };
    if (pending.length) body.doc_ids = pending.map((input) => input.value);
    const response = await fetch("/api/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(await errorDetail(response));
    for (const input of pending) input.remove();
    const reply = await response.json();
    const position = response.headers.get("X-Turn-Position");
    const params = new URLSearchParams({ c: reply.conversation_id, position });
    const fragment = await fetch(`/fragments/turn?${params}`);
    if (!fragment.ok) throw new Error(await errorDetail(fragment));
    // Server-rendered, autoescaped HTML; DOMParser never runs scripts, and the CSP forbids inline ones.
    const parsed = new DOMParser().parseFromString(await fragment.text(), "text/html");
    const turn = parsed.body.querySelector("article.turn");
    setConversation(reply.conversation_id);
    return document.adoptNode(turn);
  }

  function enhance(log) {
    const input = document.getElementById("question");
    const status = document.getElementById("status");
    let busy = false;

    async function onSubmit(event) {
      event.preventDefault();
      if (busy) return;
      const submitter = event.submitter;
      const fromButton = submitter && submitter.name === "question";
      const question = (fromButton ? submitter.value : input.value).trim();
      if (!question) {
        status.textContent = "Type a question first.";
        input.focus();
        return;
      }
      busy = true;
      status.textContent = "";
      document.body.classList.add("is-busy");
      const intro = document.getElementById("intro");
      if (intro) intro.hidden = true;
      const pending = pendingTurn(question);
      log.append(pending);
      pending.scrollIntoView({ block: "end", behavior: "smooth" });
      try {
        const turn = await ask(question, log);
        pending.replaceWith(turn);
        if (!fromButton) input.value = "";
        turn.scrollIntoView({ block: "start", behavior: "smooth" });
      } catch (error) {
        pending.remove();
        if (intro && !log.children.length) intro.hidden = false;
        status.textContent = error instanceof Error && error.message ? error.message : "Something went wrong.";
      } finally {
        busy = false;
        document.body.classList.remove("is-busy");
        input.focus({ preventScroll: true });
      }
    }

    for (const form of document.querySelectorAll("form[data-ask]")) form.addEventListener("submit", onSubmit);
    const newForm = document.querySelector("form[data-new]");
    if (newForm) newForm.addEventListener("submit", () => stored.clear());  // the post itself still happens

    if (log.dataset.conversationId) {
      stored.set(log.dataset.conversationId);
      const last = log.querySelector("article.turn:last-of-type");
      if (last && !location.hash) last.scrollIntoView({ block: "start" });
    } else if (!document.querySelector('input[name="doc_ids"]')) {
      restore(log);  // not when the page was opened to ask about an article
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    showCited();
    const log = document.getElementById("conversation");
    if (log) enhance(log);
  });
})();
