// Progressive enhancement only: every page works without this file.
import { initAll } from "/static/govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Copy buttons: <button data-copy="element-id" hidden>
for (const button of document.querySelectorAll("[data-copy]")) {
  const target = document.getElementById(button.dataset.copy);
  if (!target || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    await navigator.clipboard.writeText(target.textContent.trim());
    button.textContent = button.dataset.copied || button.textContent;
  });
}

// Live regions: <div data-live="name" data-live-source="/services/.../live">. On each
// server-sent "changed" event, fetch this page again and swap the region's content.
for (const region of document.querySelectorAll("[data-live][data-live-source]")) {
  const source = new EventSource(region.dataset.liveSource);
  let pending = false;
  let again = false;
  const refresh = () => {
    if (pending) { again = true; return; } // a change during a refresh: one more after it
    pending = true;
    fetch(window.location.href, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : null))
      .then((html) => {
        if (!html) return;
        const page = new DOMParser().parseFromString(html, "text/html");
        const fresh = page.querySelector(`[data-live="${region.dataset.live}"]`);
        if (fresh) region.innerHTML = fresh.innerHTML;
        region.dataset.liveUpdated = String(Date.now());
      })
      .finally(() => {
        pending = false;
        if (again) { again = false; refresh(); }
      });
  };
  source.addEventListener("changed", refresh);
}
