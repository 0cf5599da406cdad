/*
 * Live article suggestions while a customer types in the contact form.
 *
 * On a page with <div id="kb-suggestions" data-source="id_message"></div> it watches that
 * textarea (and #id_subject), asks the knowledge-base search API after a pause in typing and
 * lists matching articles, each with an "Esto lo resolvió" button. A click records a
 * deflection (sendBeacon, no cookies or CSRF needed); sending the form afterwards tells the
 * server this visit was not deflected after all. No framework, no build step.
 */
(function () {
  "use strict";
  var box = document.getElementById("kb-suggestions");
  if (!box) return;
  var script = document.currentScript;
  if (script && script.src && !document.querySelector("link[data-kb-css]")) {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = script.src.replace(/suggest\.js(\?.*)?$/, "kb.css");
    css.setAttribute("data-kb-css", "");
    document.head.appendChild(css);
  }
  var source = document.getElementById(box.getAttribute("data-source") || "id_message");
  if (!source) return;
  var subject = document.getElementById("id_subject");
  var endpoint = box.getAttribute("data-endpoint") || "/api/v1/kb/search/";
  var deflectUrl = box.getAttribute("data-deflect") || "/api/v1/kb/deflections/";
  var kind = box.getAttribute("data-kind") || "form";
  var lang = (document.documentElement.lang || "es").slice(0, 2) === "en" ? "en" : "es";
  var TEXT = {
    es: { title: "Quizás esto te ayude antes de escribirnos:", solved: "Esto lo resolvió",
          thanks: "¡Qué bien! Si ya se resolvió, no necesitas enviar el formulario.",
          done: "Resuelto ✓" },
    en: { title: "This might help before you write to us:", solved: "This solved it",
          thanks: "Great! If it's solved, you don't need to send the form.", done: "Solved ✓" }
  }[lang];
  var DELAY = 400, MIN_CHARS = 4, MAX_CHARS = 1000;
  var timer = null, sequence = 0, lastQuery = "", solved = false;

  function token() {
    var key = "kb-deflection-token", value = null;
    try { value = window.sessionStorage.getItem(key); } catch (e) { /* private mode */ }
    if (!value) {
      var bytes = new Uint8Array(12);
      (window.crypto || window.msCrypto).getRandomValues(bytes);
      value = Array.prototype.map.call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
      try { window.sessionStorage.setItem(key, value); } catch (e) { /* ignore */ }
    }
    return value;
  }

  function send(payload) {
    var body = JSON.stringify(payload);
    if (navigator.sendBeacon) {
      var blob = new Blob([body], { type: "application/json" });
      if (navigator.sendBeacon(deflectUrl, blob)) return;
    }
    fetch(deflectUrl, { method: "POST", body: body, keepalive: true, credentials: "omit",
                        headers: { "Content-Type": "application/json" } }).catch(function () {});
  }

  function query() {
    var text = ((subject ? subject.value + " " : "") + source.value).trim();
    return text.slice(0, MAX_CHARS);
  }

  function clear() {
    box.textContent = "";
    box.hidden = true;
  }

  function render(results, text) {
    box.textContent = "";
    if (!results.length) { clear(); return; }
    box.hidden = false;
    box.setAttribute("aria-live", "polite");
    var heading = document.createElement("p");
    heading.className = "kb-suggest-title";
    heading.textContent = TEXT.title;
    box.appendChild(heading);
    var list = document.createElement("ul");
    list.className = "kb-suggest-list";
    results.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "kb-suggestion";
      li.setAttribute("data-slug", item.slug);
      var link = document.createElement("a");
      link.href = item.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = item.title;
      var summary = document.createElement("div");
      summary.className = "muted";
      summary.textContent = item.summary || "";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "small secondary kb-solved";
      button.textContent = TEXT.solved;
      button.addEventListener("click", function () {
        send({ token: token(), action: "solved", article: item.slug, source: kind,
               query: text.slice(0, 300) });
        solved = true;
        button.disabled = true;
        button.textContent = TEXT.done;
        var note = document.createElement("p");
        note.className = "notice ok kb-solved-note";
        note.textContent = TEXT.thanks;
        if (!box.querySelector(".kb-solved-note")) box.appendChild(note);
      });
      li.appendChild(link);
      li.appendChild(summary);
      li.appendChild(button);
      list.appendChild(li);
    });
    box.insertBefore(list, heading.nextSibling);
  }

  function search() {
    var text = query();
    if (text.length < MIN_CHARS) { lastQuery = ""; clear(); return; }
    if (text === lastQuery) return;
    lastQuery = text;
    var mine = ++sequence;
    var url = endpoint + "?limit=3&lang=" + lang + "&q=" + encodeURIComponent(text);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (mine === sequence) render(data.results || [], text); })
      .catch(function () { if (mine === sequence) clear(); });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, DELAY);
  }

  source.addEventListener("input", schedule);
  if (subject) subject.addEventListener("input", schedule);
  var form = source.form;
  if (form) {
    form.addEventListener("submit", function () {
      if (solved) send({ token: token(), action: "submitted" });
    });
  }
  clear();
  if (query().length >= MIN_CHARS) schedule();
})();
