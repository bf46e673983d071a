// Plain JavaScript, no library: refreshes the parts of a page that say data-refresh="URL"
// every data-every seconds (the overview's figures, a broadcast's progress), and selects the
// embeddable snippet when it is focused. Pages work without it; it only keeps them current.
"use strict";

function refresh(el) {
  const url = el.getAttribute("data-refresh");
  const every = Math.max(Number(el.getAttribute("data-every")) || 15, 1) * 1000;
  const tick = async () => {
    try {
      const resp = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      if (!resp.ok) return; // signed out or the server is away: keep what is shown
      el.innerHTML = await resp.text();
      if (el.querySelector("[data-final]")) return;
    } catch (err) {
      // the network dropped; try again at the next tick
    }
    window.setTimeout(tick, every);
  };
  window.setTimeout(tick, every);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-refresh]").forEach(refresh);
  document.querySelectorAll("textarea[readonly]").forEach((el) => {
    el.addEventListener("focus", () => el.select());
  });
});
