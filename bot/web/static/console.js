// Live updates without a build step: elements with data-refresh-url re-fetch their HTML fragment.
"use strict";

function refresh(el) {
  const url = el.dataset.refreshUrl;
  const every = parseInt(el.dataset.refreshMs || "3000", 10);
  const tick = async () => {
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } });
      if (response.status === 401) { window.location.assign("/advisor/login"); return; }
      if (response.ok) {
        const html = await response.text();
        if (html !== el.dataset.last) {
          const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
          el.innerHTML = html;
          el.dataset.last = html;
          if (atBottom) el.scrollTop = el.scrollHeight;
        }
      }
    } catch (e) { /* offline for a moment: try again at the next tick */ }
    setTimeout(tick, every);
  };
  setTimeout(tick, every);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-refresh-url]").forEach(refresh);
  const transcript = document.getElementById("transcript");
  if (transcript) transcript.scrollTop = transcript.scrollHeight;

  const reply = document.getElementById("reply");
  document.querySelectorAll("button.template").forEach((button) => {
    button.addEventListener("click", () => {
      if (!reply) return;
      reply.value = reply.value ? reply.value + "\n" + button.dataset.text : button.dataset.text;
      reply.focus();
    });
  });
  if (reply) {
    reply.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) reply.form.requestSubmit();
    });
  }
});
