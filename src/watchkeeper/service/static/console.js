// Reviewer console: keyboard shortcuts, media reveal (wellbeing), policy excerpt for the chosen category.
(function () {
  "use strict";
  var KEY = "wk_revealed";
  function revealedCount() { return parseInt(sessionStorage.getItem(KEY) || "0", 10); }
  function showCount() {
    var el = document.getElementById("revealed-count");
    if (el) el.textContent = String(revealedCount());
  }
  function reveal() {
    var media = document.getElementById("media");
    if (!media || media.classList.contains("revealed")) return;
    media.classList.add("revealed");
    sessionStorage.setItem(KEY, String(revealedCount() + 1));
    showCount();
  }
  var button = document.getElementById("reveal");
  if (button) button.addEventListener("click", reveal);
  document.querySelectorAll(".shielded").forEach(function (f) { f.addEventListener("click", reveal); });

  var excerpts = {};
  var data = document.getElementById("excerpts");
  if (data) { try { excerpts = JSON.parse(data.textContent || "{}"); } catch (e) { excerpts = {}; } }
  function fill(id, lines) {
    var ul = document.getElementById(id);
    if (!ul) return;
    ul.innerHTML = "";
    (lines || []).forEach(function (line) { var li = document.createElement("li"); li.textContent = line; ul.appendChild(li); });
  }
  var select = document.getElementById("category");
  if (select) select.addEventListener("change", function () {
    var c = excerpts[select.value];
    document.getElementById("policy-title").textContent = c ? c.title : "no violation";
    document.getElementById("policy-definition").textContent = c ? c.definition : "";
    fill("policy-in", c ? c.in_scope : []);
    fill("policy-out", c ? c.out_of_scope : []);
  });

  document.addEventListener("keydown", function (ev) {
    var tag = (ev.target && ev.target.tagName) || "";
    if (ev.ctrlKey || ev.metaKey || ev.altKey || tag === "TEXTAREA" || tag === "INPUT" || tag === "SELECT") return;
    if (ev.key === "v") { reveal(); ev.preventDefault(); return; }
    var target = document.querySelector('[data-shortcut="' + ev.key + '"]');
    if (target) { ev.preventDefault(); target.click(); }
  });
  showCount();
})();
