/* Mesa de ayuda: chat widget. One tag on any page, no framework, no build step:
 *   <script src="https://SOPORTE/static/channels_chat/widget.js" defer></script>
 * Optional attributes: data-lang="es|en", data-queue="technical|billing|sales",
 * data-open="1" (start opened). Protocol: docs/chat-protocol.md.
 */
(function () {
  "use strict";
  if (window.HDChat) return;
  var script = document.currentScript || document.querySelector('script[src*="channels_chat/widget.js"]');
  var BASE = new URL(script.src, location.href).origin;
  var WS_BASE = BASE.replace(/^http/, "ws");
  var STORE = "hdchat:v1";
  var CFG = {lang: script.getAttribute("data-lang"), queue: script.getAttribute("data-queue") || "",
             open: script.getAttribute("data-open") === "1"};

  var T = {
    es: {
      button: "¿Necesitas ayuda? Chatea con nosotros", title: "Soporte en línea", close: "Cerrar",
      intro: "Cuéntanos qué pasa y te conectamos con un agente.", name: "Tu nombre",
      email: "Tu correo (para seguir por correo si nos desconectamos)", topic: "¿En qué te ayudamos?",
      start: "Iniciar chat", suggestions: "Quizá esto te ayude ahora mismo:", required: "Escribe tu nombre y un correo válido.",
      connecting: "Conectando…", reconnecting: "Reconectando…", position: "Estás en la posición {n} de la fila.",
      waiting: "Esperando a un agente…", assigned: "{agent} te está atendiendo.", transferred: "Te transferimos a {queue}. Un agente te atenderá en breve.",
      offline: "No hay agentes disponibles ahora. Tu conversación sigue como caso {ticket}: te responderemos por correo.",
      offlineNoEmail: "No hay agentes disponibles ahora. Deja tu mensaje y vuelve más tarde; tu caso es {ticket}.",
      closed: "La conversación terminó. ¡Gracias por escribirnos!", newChat: "Nuevo chat", end: "Terminar chat",
      placeholder: "Escribe un mensaje…", send: "Enviar", sending: "enviando…", stored: "✓ recibido",
      typing: "{name} está escribiendo…", you: "Tú", ticket: "Caso {ticket}", lang: "English",
      secret: "Parece que vas a enviar una contraseña, PIN, PUK o número de tarjeta. Nunca los compartas: ningún agente te los pedirá.",
      sendAnyway: "Enviar de todos modos", edit: "Corregir", error: "No se pudo enviar: {message}",
      failed: "No pudimos conectar el chat. Revisa tu conexión e inténtalo de nuevo.", unread: "{n} nuevo(s)"
    },
    en: {
      button: "Need help? Chat with us", title: "Live support", close: "Close",
      intro: "Tell us what is happening and we will connect you with an agent.", name: "Your name",
      email: "Your email (to continue by email if we get disconnected)", topic: "How can we help?",
      start: "Start chat", suggestions: "This might help right now:", required: "Please enter your name and a valid email.",
      connecting: "Connecting…", reconnecting: "Reconnecting…", position: "You are number {n} in the queue.",
      waiting: "Waiting for an agent…", assigned: "{agent} is helping you.", transferred: "We transferred you to {queue}. An agent will be with you shortly.",
      offline: "No agents are available right now. Your conversation continues as case {ticket}: we will answer by email.",
      offlineNoEmail: "No agents are available right now. Leave your message and come back later; your case is {ticket}.",
      closed: "The conversation has ended. Thank you for contacting us!", newChat: "New chat", end: "End chat",
      placeholder: "Type a message…", send: "Send", sending: "sending…", stored: "✓ received",
      typing: "{name} is typing…", you: "You", ticket: "Case {ticket}", lang: "Español",
      secret: "This looks like a password, PIN, PUK or card number. Never share them: no agent will ever ask for them.",
      sendAnyway: "Send anyway", edit: "Edit", error: "Could not send: {message}",
      failed: "We could not connect the chat. Check your connection and try again.", unread: "{n} new"
    }
  };

  /* Secret detection: a simplified mirror of helpdesk/redaction.py (the server redacts anyway). */
  var LABELLED = [
    /\b(?:contrase(?:ñ|n)as?|passwords?|pass|clave(?:\s+de\s+acceso)?|passwd|pwd)\b(?:\s+(?:es|is|de|of))?\s*(?:es|is|era|was|=|:|->)?\s*([^\s,;]{3,64})/i,
    /\b(?:pin|nip)\b(?:\s+(?:es|is|de|of|mi|my|la|el|tarjeta|card|sim|chip))*\s*(?:es|is|=|:)?\s*(\d{4,8})\b/i,
    /\bpuk\d?\b(?:\s+(?:es|is|de|of|mi|my|la|el|sim|chip))*\s*(?:es|is|=|:)?\s*(\d{8})\b/i,
    /\b(?:cvv2?|cvc2?|c[oó]digo\s+de\s+seguridad|security\s+code)\b\s*(?:es|is|=|:)?\s*(\d{3,4})\b/i
  ];
  var STOP = ["es", "is", "de", "no", "y", "and", "el", "la", "que", "funciona", "works", "olvide", "olvidé",
              "forgot", "incorrecta", "incorrect", "wrong", "bloqueado", "bloqueada"];
  function luhn(digits) {
    var sum = 0;
    for (var i = 0; i < digits.length; i++) {
      var d = +digits[digits.length - 1 - i];
      if (i % 2) { d *= 2; if (d > 9) d -= 9; }
      sum += d;
    }
    return sum % 10 === 0;
  }
  function looksSecret(text) {
    var cards = text.match(/(?:\d[ -]?){12,18}\d/g) || [];
    for (var i = 0; i < cards.length; i++) {
      var digits = cards[i].replace(/\D/g, "");
      if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) return true;
    }
    for (var j = 0; j < LABELLED.length; j++) {
      var m = text.match(LABELLED[j]);
      if (m && STOP.indexOf(m[1].toLowerCase().replace(/\.$/, "")) < 0) return true;
    }
    return false;
  }

  function load() { try { return JSON.parse(localStorage.getItem(STORE)) || {}; } catch (e) { return {}; } }
  function save() { try { localStorage.setItem(STORE, JSON.stringify(state.saved)); } catch (e) { /* private mode */ } }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }
  function fmt(s, values) { return s.replace(/\{(\w+)\}/g, function (_, k) { return values[k] == null ? "" : values[k]; }); }
  function uid() { return "w" + Date.now().toString(36) + Math.random().toString(36).slice(2, 10); }

  var state = {
    saved: load(), ws: null, seqs: {}, lastSeq: 0, welcome: null, backoff: 500, outbox: [],
    pendingNodes: {}, typingTimer: null, lastTypingSent: 0, closed: false, retryTimer: null
  };
  // Spanish first: the person's own choice, then the embed's, then the host page's language;
  // the browser's language is not used (many phones are set to English).
  var pageLang = (document.documentElement.lang || "es").slice(0, 2);
  state.lang = state.saved.lang || CFG.lang || (pageLang === "en" ? "en" : "es");
  function t(key, values) { return fmt((T[state.lang] || T.es)[key], values || {}); }

  /* --- DOM --------------------------------------------------------------------------------- */
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = BASE + "/static/channels_chat/widget.css";
  document.head.appendChild(css);

  var root = el("div", "hdc-root");
  root.setAttribute("data-hdchat", "");
  var button = el("button", "hdc-button");
  button.type = "button";
  button.id = "hdchat-open";
  var panel = el("section", "hdc-panel");
  panel.id = "hdchat-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  var header = el("header", "hdc-header");
  var title = el("strong", "hdc-title");
  var langBtn = el("button", "hdc-link");
  langBtn.type = "button";
  langBtn.id = "hdchat-lang";
  var closeBtn = el("button", "hdc-x", "×");
  closeBtn.type = "button";
  header.append(title, langBtn, closeBtn);
  var banner = el("div", "hdc-banner");
  banner.id = "hdchat-banner";
  banner.hidden = true;
  var status = el("div", "hdc-status");
  status.id = "hdchat-status";
  status.setAttribute("aria-live", "polite");

  var form = el("form", "hdc-form");
  form.id = "hdchat-form";
  var intro = el("p", "hdc-intro");
  var nameIn = el("input"); nameIn.id = "hdchat-name"; nameIn.autocomplete = "name"; nameIn.maxLength = 200;
  var emailIn = el("input"); emailIn.id = "hdchat-email"; emailIn.type = "email"; emailIn.autocomplete = "email";
  var topicIn = el("textarea"); topicIn.id = "hdchat-topic"; topicIn.rows = 3; topicIn.maxLength = 500;
  var labels = [el("label"), el("label"), el("label")];
  labels[0].append(el("span"), nameIn); labels[1].append(el("span"), emailIn); labels[2].append(el("span"), topicIn);
  var suggest = el("div", "hdc-suggest"); suggest.id = "hdchat-suggestions"; suggest.hidden = true;
  var formError = el("p", "hdc-error"); formError.hidden = true;
  var startBtn = el("button", "hdc-primary"); startBtn.type = "submit"; startBtn.id = "hdchat-start";
  form.append(intro, labels[0], labels[1], labels[2], suggest, formError, startBtn);

  var chat = el("div", "hdc-chat"); chat.hidden = true;
  var caseLine = el("div", "hdc-case");
  var log = el("ol", "hdc-log"); log.id = "hdchat-log";
  var typing = el("div", "hdc-typing"); typing.id = "hdchat-typing"; typing.hidden = true;
  var warn = el("div", "hdc-warn"); warn.id = "hdchat-warning"; warn.hidden = true;
  var warnText = el("p"); var anywayBtn = el("button", "hdc-primary"); anywayBtn.type = "button"; anywayBtn.id = "hdchat-send-anyway";
  var editBtn = el("button", "hdc-link"); editBtn.type = "button";
  warn.append(warnText, anywayBtn, editBtn);
  var compose = el("form", "hdc-compose");
  var input = el("textarea"); input.id = "hdchat-input"; input.rows = 2; input.maxLength = 4000;
  var sendBtn = el("button", "hdc-primary"); sendBtn.type = "submit"; sendBtn.id = "hdchat-send";
  compose.append(input, sendBtn);
  var footer = el("div", "hdc-footer");
  var endBtn = el("button", "hdc-link"); endBtn.type = "button"; endBtn.id = "hdchat-end";
  var newBtn = el("button", "hdc-primary"); newBtn.type = "button"; newBtn.id = "hdchat-new"; newBtn.hidden = true;
  footer.append(endBtn, newBtn);
  chat.append(caseLine, log, typing, warn, compose, footer);
  panel.append(header, banner, status, form, chat);
  root.append(button, panel);

  function paint() {
    button.textContent = t("button") + (state.unread ? " · " + t("unread", {n: state.unread}) : ""); title.textContent = t("title"); langBtn.textContent = t("lang");
    closeBtn.setAttribute("aria-label", t("close")); intro.textContent = t("intro");
    labels[0].firstChild.textContent = t("name"); labels[1].firstChild.textContent = t("email");
    labels[2].firstChild.textContent = t("topic"); startBtn.textContent = t("start");
    input.placeholder = t("placeholder"); sendBtn.textContent = t("send"); endBtn.textContent = t("end");
    newBtn.textContent = t("newChat"); warnText.textContent = t("secret"); anywayBtn.textContent = t("sendAnyway");
    editBtn.textContent = t("edit");
    if (state.welcome) caseLine.textContent = t("ticket", {ticket: state.welcome.ticket});
    if (state.statusKey) status.textContent = t(state.statusKey, state.statusValues);
    document.documentElement && panel.setAttribute("lang", state.lang);
  }
  function setStatus(key, values) { state.statusKey = key; state.statusValues = values || {}; status.textContent = key ? t(key, values) : ""; }

  /* --- status banner and knowledge-base suggestions (both optional) ----------------------- */
  function loadBanner() {
    fetch(BASE + "/api/v1/status/", {credentials: "omit"}).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        banner.textContent = "";
        (data.incidents || []).forEach(function (inc) {
          var item = el("div", "hdc-incident hdc-" + (inc.severity || "info"));
          item.append(el("strong", null, inc.title || ""), el("span", null, " " + (inc.message || "")));
          banner.appendChild(item);
        });
        if (data.general && data.general.text) banner.appendChild(el("div", "hdc-general", data.general.text));
        banner.hidden = !banner.childNodes.length;
      }).catch(function () { /* no banner */ });
  }
  var suggestTimer = null;
  function loadSuggestions() {
    var q = topicIn.value.trim();
    if (q.length < 4) { suggest.hidden = true; return; }
    fetch(BASE + "/api/v1/kb/search/?q=" + encodeURIComponent(q) + "&limit=3&lang=" + state.lang, {credentials: "omit"})
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (data) {
        var items = Array.isArray(data) ? data : (data && (data.results || data.articles)) || [];
        suggest.textContent = "";
        if (!items.length) { suggest.hidden = true; return; }
        suggest.appendChild(el("p", null, t("suggestions")));
        var list = el("ul");
        items.slice(0, 3).forEach(function (item) {
          var a = el("a", null, item.title || item.slug);
          a.href = item.url ? new URL(item.url, BASE).href : BASE + "/kb/" + encodeURIComponent(item.slug || "") + "/";
          a.target = "_blank"; a.rel = "noopener";
          var li = el("li"); li.appendChild(a); list.appendChild(li);
        });
        suggest.appendChild(list);
        suggest.hidden = false;
      }).catch(function () { suggest.hidden = true; });
  }

  /* --- conversation log ------------------------------------------------------------------- */
  function addLine(frame) {
    if (state.seqs[frame.seq]) return;
    state.seqs[frame.seq] = true;
    state.lastSeq = Math.max(state.lastSeq, frame.seq);
    var mine = frame.from === "customer";
    var node = frame.id && mine ? state.pendingNodes[frame.id] : null;
    if (!node) {
      node = el("li", "hdc-msg hdc-" + frame.from);
      node.append(el("span", "hdc-who", mine ? t("you") : frame.name || ""), el("p", "hdc-text", frame.text),
                  el("span", "hdc-state", ""));
    }
    // Keep the log in seq order; messages still sending stay last.
    var before = null;
    for (var child = log.firstChild; child; child = child.nextSibling) {
      var seq = child.getAttribute("data-seq");
      if (child !== node && (seq === null || +seq > frame.seq)) { before = child; break; }
    }
    log.insertBefore(node, before);
    node.setAttribute("data-seq", frame.seq);
    if (mine) { node.querySelector(".hdc-state").textContent = t("stored"); node.classList.remove("hdc-sending"); }
    if (frame.id) delete state.pendingNodes[frame.id];
    log.scrollTop = log.scrollHeight;
  }
  function outgoing(id, text) {
    var node = el("li", "hdc-msg hdc-customer hdc-sending");
    node.setAttribute("data-id", id);
    node.append(el("span", "hdc-who", t("you")), el("p", "hdc-text", text), el("span", "hdc-state", t("sending")));
    log.appendChild(node);
    log.scrollTop = log.scrollHeight;
    state.pendingNodes[id] = node;
  }

  /* --- socket ----------------------------------------------------------------------------- */
  function send(frame) {
    if (state.ws && state.ws.readyState === 1) { state.ws.send(JSON.stringify(frame)); return true; }
    return false;
  }
  function connect(hello) {
    clearTimeout(state.retryTimer);
    var ws = new WebSocket(WS_BASE + "/ws/chat/");
    state.ws = ws;
    ws.onopen = function () { ws.send(JSON.stringify(hello())); };
    ws.onmessage = function (event) { onFrame(JSON.parse(event.data)); };
    ws.onclose = function () {
      if (state.ws !== ws || state.closed) return;
      state.ws = null;
      if (!state.saved.resume) { setStatus("failed"); return; }
      setStatus("reconnecting");
      state.retryTimer = setTimeout(resume, state.backoff);
      state.backoff = Math.min(state.backoff * 2, 15000);
    };
  }
  function resume() {
    connect(function () { return {type: "hello", resume: state.saved.resume, after: state.lastSeq}; });
  }
  function flushOutbox() {
    state.outbox.forEach(function (item) { send({type: "message", id: item.id, text: item.text}); });
  }
  function onFrame(f) {
    switch (f.type) {
      case "welcome":
        state.backoff = 500;
        state.welcome = f;
        state.saved.resume = f.resume; state.saved.conversation = f.conversation; save();
        form.hidden = true; chat.hidden = false; newBtn.hidden = true; compose.hidden = false; endBtn.hidden = false;
        caseLine.textContent = t("ticket", {ticket: f.ticket});
        if (f.state === "ended") { ended(); break; }
        if (f.offline) setStatus(state.saved.email ? "offline" : "offlineNoEmail", {ticket: f.ticket});
        else if (f.agent) setStatus("assigned", {agent: f.agent});
        else if (f.position) setStatus("position", {n: f.position});
        else setStatus("waiting");
        flushOutbox();
        break;
      case "message":
        var fresh = !state.seqs[f.seq];
        addLine(f);
        if (f.from !== "customer") {
          typing.hidden = true;
          if (fresh && panel.hidden) { state.unread = (state.unread || 0) + 1; paint(); }
        }
        break;
      case "ack":
        state.outbox = state.outbox.filter(function (item) { return item.id !== f.id; });
        state.saved.outbox = state.outbox; save();
        var node = state.pendingNodes[f.id];
        if (node) { node.querySelector(".hdc-state").textContent = t("stored"); node.classList.remove("hdc-sending"); }
        break;
      case "waiting":
        if (!(state.welcome && state.welcome.offline)) setStatus("position", {n: f.position});
        break;
      case "assigned": state.welcome && (state.welcome.offline = false); setStatus("assigned", {agent: f.agent}); break;
      case "transferred": setStatus("transferred", {queue: f.queue_name}); break;
      case "offline":
        if (state.welcome) state.welcome.offline = true;
        setStatus(f.email ? "offline" : "offlineNoEmail", {ticket: state.welcome ? state.welcome.ticket : ""});
        break;
      case "typing":
        typing.textContent = t("typing", {name: f.name});
        typing.hidden = !f.active;
        clearTimeout(state.typingTimer);
        state.typingTimer = setTimeout(function () { typing.hidden = true; }, 6000);
        break;
      case "closed": ended(); break;
      case "error":
        if (f.code === "resume_invalid" || f.code === "resume_expired") { reset(); break; }
        if (f.id) {
          var failed = state.pendingNodes[f.id];
          state.outbox = state.outbox.filter(function (item) { return item.id !== f.id; });
          if (failed) { failed.querySelector(".hdc-state").textContent = t("error", {message: f.message}); failed.classList.add("hdc-failed"); }
        } else if (f.code !== "rate_limited") {
          setStatus(null); status.textContent = f.message;
        }
        break;
    }
  }
  function ended() {
    setStatus("closed");
    compose.hidden = true; endBtn.hidden = true; newBtn.hidden = false;
    state.closed = true;
    delete state.saved.resume; save();
    if (state.ws) state.ws.close();
  }
  function reset() {
    state.closed = true;
    if (state.ws) state.ws.close();
    state.ws = null; state.welcome = null; state.seqs = {}; state.lastSeq = 0; state.outbox = [];
    delete state.saved.resume; delete state.saved.outbox; save();
    log.textContent = ""; chat.hidden = true; form.hidden = false; setStatus(null);
    state.closed = false;
  }

  /* --- user actions ----------------------------------------------------------------------- */
  function submitText(text) {
    var id = uid();
    state.outbox.push({id: id, text: text});
    state.saved.outbox = state.outbox; save();
    outgoing(id, text);
    send({type: "message", id: id, text: text});
    input.value = "";
    warn.hidden = true;
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var name = nameIn.value.trim(), email = emailIn.value.trim();
    if (!name || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) { formError.textContent = t("required"); formError.hidden = false; return; }
    formError.hidden = true;
    state.saved.name = name; state.saved.email = email; save();
    state.closed = false;
    setStatus("connecting");
    var topic = topicIn.value.trim();
    connect(function () {
      if (state.saved.resume) return {type: "hello", resume: state.saved.resume, after: state.lastSeq};
      var hello = {type: "hello", name: name, email: email, language: state.lang};
      if (topic) hello.topic = topic;
      if (CFG.queue) hello.queue = CFG.queue;
      return hello;
    });
  });
  compose.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    if (looksSecret(text)) { warn.hidden = false; anywayBtn.focus(); return; }
    submitText(text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); compose.requestSubmit ? compose.requestSubmit() : sendBtn.click(); }
  });
  input.addEventListener("input", function () {
    warn.hidden = true;
    var now = Date.now();
    if (now - state.lastTypingSent > 2500) { state.lastTypingSent = now; send({type: "typing", active: true}); }
  });
  anywayBtn.addEventListener("click", function () { var text = input.value.trim(); if (text) submitText(text); });
  editBtn.addEventListener("click", function () { warn.hidden = true; input.focus(); });
  topicIn.addEventListener("input", function () { clearTimeout(suggestTimer); suggestTimer = setTimeout(loadSuggestions, 350); });
  endBtn.addEventListener("click", function () { send({type: "leave"}); });
  newBtn.addEventListener("click", function () { reset(); topicIn.value = ""; });
  button.addEventListener("click", function () { toggle(true); });
  closeBtn.addEventListener("click", function () { toggle(false); });
  // Any element of the host page marked data-open-chat opens the widget (the help centre's
  // "Abrir chat" button, a knowledge-base article's "talk to an agent").
  document.addEventListener("click", function (event) {
    var opener = event.target && event.target.closest && event.target.closest("[data-open-chat]");
    if (opener) { event.preventDefault(); toggle(true); }
  });
  langBtn.addEventListener("click", function () {
    state.lang = state.lang === "es" ? "en" : "es"; state.saved.lang = state.lang; save(); paint();
  });
  function toggle(open) {
    panel.hidden = !open; button.hidden = open;
    if (open && state.unread) { state.unread = 0; paint(); }
    state.saved.open = open; save();
    if (open) { loadBanner(); (form.hidden ? input : nameIn).focus(); }
  }

  function boot() {
    document.body.appendChild(root);
    paint();
    nameIn.value = state.saved.name || ""; emailIn.value = state.saved.email || "";
    if (state.saved.resume) {
      // A reload: replay the whole conversation (after 0), then resend what was never acked.
      state.outbox = state.saved.outbox || [];
      state.outbox.forEach(function (item) { outgoing(item.id, item.text); });
      form.hidden = true; chat.hidden = false;
      setStatus("reconnecting");
      resume();
    }
    if (CFG.open || state.saved.open) toggle(true);
  }
  window.HDChat = {open: function () { toggle(true); }, close: function () { toggle(false); }, looksSecret: looksSecret};
  if (document.body) boot(); else document.addEventListener("DOMContentLoaded", boot);
})();
