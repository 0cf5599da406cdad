/* Agent side of the live chat: waiting chats per queue, several chats side by side, presence.
 * Included by channels_chat/agent_chat_panel.html. No framework, no build step.
 *
 * For the rest of the console it dispatches DOM events on `document`:
 *   hd:ticket   detail = {change, ticket}            (ticket.changed from any channel)
 *   hd:message  detail = message frame                (a new timeline message, any channel)
 *   hd:chat     detail = conversation summary         (a chat changed state)
 * and, when `#ticket-list` holds rows `[data-ticket-id=ID]` or `[data-ticket=REF]`, marks the changed row with
 * `.hd-updated` and fills its `[data-field=status|assignee|queue]`; tickets it does not list
 * are announced in `#chat-new-tickets` with a reload link.
 */
(function () {
  "use strict";
  var panel = document.getElementById("chat-panel");
  if (!panel || panel.dataset.started) return;
  panel.dataset.started = "1";
  var I18N = JSON.parse(document.getElementById("chat-i18n").textContent);
  var TARGETS = JSON.parse(document.getElementById("chat-transfer-targets").textContent);
  var template = document.getElementById("chat-card-template");
  var waitingBox = document.getElementById("chat-waiting");
  var waitingEmpty = document.getElementById("chat-waiting-empty");
  var waitingCount = document.getElementById("chat-waiting-count");
  var activeBox = document.getElementById("chat-active");
  var presenceSel = document.getElementById("chat-presence");
  var connLabel = document.getElementById("chat-connection");
  var loadLabel = document.getElementById("chat-load");
  var newTickets = document.getElementById("chat-new-tickets");
  var state = {ws: null, me: null, capacity: 0, conversations: {}, cards: {}, canned: [], backoff: 500,
               newTickets: {}, seen: {}};

  function fmt(s, v) { return s.replace(/\{(\w+)\}/g, function (_, k) { return v[k] == null ? "" : v[k]; }); }
  function el(tag, cls, text) { var n = document.createElement(tag); if (cls) n.className = cls; if (text != null) n.textContent = text; return n; }
  function uid() { return "a" + Date.now().toString(36) + Math.random().toString(36).slice(2, 9); }
  function emit(name, detail) { document.dispatchEvent(new CustomEvent(name, {detail: detail})); }
  function send(frame) { if (state.ws && state.ws.readyState === 1) { state.ws.send(JSON.stringify(frame)); return true; } return false; }
  function ago(iso) {
    var s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    return s < 60 ? s + " s" : s < 3600 ? Math.floor(s / 60) + " min" : Math.floor(s / 3600) + " h " + Math.floor(s % 3600 / 60) + " min";
  }

  /* --- socket ------------------------------------------------------------------------------ */
  function connect() {
    var url = location.origin.replace(/^http/, "ws") + panel.dataset.wsPath;
    var ws = new WebSocket(url);
    state.ws = ws;
    ws.onmessage = function (e) { onFrame(JSON.parse(e.data)); };
    ws.onclose = function (e) {
      if (state.ws !== ws) return;
      connLabel.dataset.state = "offline";
      connLabel.textContent = I18N.reconnecting;
      if (e.code === 4401) return;  // not signed in: reconnecting will not help
      setTimeout(connect, state.backoff);
      state.backoff = Math.min(state.backoff * 2, 15000);
    };
  }

  function onFrame(f) {
    switch (f.type) {
      case "ready":
        state.backoff = 500; state.me = f.agent; state.capacity = f.capacity;
        connLabel.dataset.state = "online"; connLabel.textContent = I18N.online;
        presenceSel.value = f.presence;
        var listed = {};
        f.conversations.forEach(function (c) { listed[c.id] = true; upsert(c); });
        // Chats that ended or moved while this socket was away.
        Object.keys(state.cards).forEach(function (id) { if (!listed[id]) endCard(state.cards[id], I18N.ended); });
        // After a reconnect, fetch what each open card missed.
        Object.keys(state.cards).forEach(function (id) { send({type: "history", conversation: +id, after: state.cards[id].lastSeq}); });
        renderWaiting(); renderLoad();
        break;
      case "conversation": upsert(f.conversation); renderWaiting(); renderLoad(); emit("hd:chat", f.conversation); break;
      case "history": var card = state.cards[f.conversation]; if (card) f.messages.forEach(function (m) { addMessage(card, m); }); break;
      case "message":
        emit("hd:message", f);
        if (f.conversation && state.cards[f.conversation]) addMessage(state.cards[f.conversation], f);
        break;
      case "ack": var pending = document.querySelector('[data-client-id="' + CSS.escape(f.id) + '"]'); if (pending) pending.classList.remove("hda-sending"); break;
      case "typing": showTyping(f); break;
      case "presence": if (f.agent === state.me) { presenceSel.value = f.status; state.capacity = f.capacity; renderLoad(); } break;
      case "ticket": onTicket(f); break;
      case "error": flash(f.message); break;
    }
  }

  /* --- conversations ------------------------------------------------------------------------ */
  function upsert(c) {
    state.conversations[c.id] = c;
    var mine = c.state === "active" && c.agent === state.me;
    if (mine && !state.cards[c.id]) openCard(c);
    if (state.cards[c.id]) {
      var card = state.cards[c.id];
      card.node.querySelector(".hda-queue").textContent = c.queue_name + (c.customer_online ? "" : " · " + I18N.customerAway);
      if (!mine) endCard(card, c.state === "ended" ? I18N.ended : I18N.transferred);
    }
  }
  function renderWaiting() {
    var waiting = Object.keys(state.conversations).map(function (k) { return state.conversations[k]; })
      .filter(function (c) { return c.state === "waiting" || c.state === "transferred"; })
      .sort(function (a, b) { return Date.parse(a.waiting_since) - Date.parse(b.waiting_since); });
    waitingBox.textContent = "";
    var byQueue = {};
    var names = {};
    waiting.forEach(function (c) { names[c.queue] = c.queue_name; (byQueue[c.queue] = byQueue[c.queue] || []).push(c); });
    Object.keys(byQueue).sort().forEach(function (queue) {
      var group = el("div", "hda-queue-group");
      group.appendChild(el("h4", null, names[queue] || queue));
      var list = el("ul");
      byQueue[queue].forEach(function (c) {
        var li = el("li", "hda-wait" + (c.offered_to === state.me ? " hda-offered" : ""));
        li.dataset.conversation = c.id;
        var who = el("span", "hda-wait-who", c.customer || c.email);
        var subject = el("span", "hda-wait-subject", c.subject);
        var time = el("time", "hda-wait-time", ago(c.waiting_since));
        time.dataset.since = c.waiting_since;
        var accept = el("button", "hda-accept", I18N.accept);
        accept.type = "button";
        accept.addEventListener("click", function () { send({type: "accept", conversation: c.id}); });
        li.append(who, subject, time);
        if (c.offered_to === state.me) li.appendChild(el("span", "hda-badge", I18N.offered));
        if (c.offline) li.appendChild(el("span", "hda-badge hda-badge-off", I18N.offline));
        li.appendChild(accept);
        list.appendChild(li);
      });
      group.appendChild(list);
      waitingBox.appendChild(group);
    });
    waitingCount.textContent = waiting.length;
    waitingEmpty.hidden = waiting.length > 0;
  }
  function renderLoad() {
    var active = Object.keys(state.cards).filter(function (id) { return !state.cards[id].ended; }).length;
    loadLabel.textContent = fmt(I18N.load, {active: active, capacity: state.capacity});
  }
  setInterval(function () {
    document.querySelectorAll("#chat-waiting time[data-since]").forEach(function (t) { t.textContent = ago(t.dataset.since); });
  }, 1000);

  /* --- chat cards --------------------------------------------------------------------------- */
  function openCard(c) {
    var node = template.content.firstElementChild.cloneNode(true);
    node.dataset.conversation = c.id;
    node.querySelector(".hda-customer").textContent = c.customer || c.email;
    var link = node.querySelector(".hda-ticket");
    link.textContent = c.ticket; link.href = "/agent/tickets/" + encodeURIComponent(c.ticket) + "/";
    node.querySelector(".hda-queue").textContent = c.queue_name;
    var card = {id: c.id, node: node, log: node.querySelector(".hda-log"), seqs: {}, lastSeq: 0, ended: false};
    state.cards[c.id] = card;
    var input = node.querySelector(".hda-input");
    var note = node.querySelector(".hda-note");
    var canned = node.querySelector(".hda-canned");
    fillCanned(canned, c.queue);
    canned.addEventListener("change", function () {
      var found = state.canned.filter(function (r) { return String(r.id) === canned.value; })[0];
      if (found) { input.value = (input.value ? input.value + "\n" : "") + found.body; input.focus(); }
      canned.value = "";
    });
    node.querySelector(".hda-compose").addEventListener("submit", function (e) {
      e.preventDefault();
      var text = input.value.trim();
      if (!text || card.ended) return;
      var id = uid();
      var li = el("li", "hda-msg hda-agent hda-sending" + (note.checked ? " hda-internal" : ""));
      li.dataset.clientId = id;
      li.append(el("span", "hda-who", note.checked ? I18N.internal : ""), el("p", "hda-text", text));
      card.log.appendChild(li); card.log.scrollTop = card.log.scrollHeight;
      send({type: "message", conversation: c.id, id: id, text: text, internal: note.checked});
      input.value = ""; note.checked = false;
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); node.querySelector(".hda-send").click(); }
    });
    var lastTyping = 0;
    input.addEventListener("input", function () {
      var now = Date.now();
      if (now - lastTyping > 2500) { lastTyping = now; send({type: "typing", conversation: c.id, active: true}); }
    });
    node.querySelector('[data-action="close"]').addEventListener("click", function () { send({type: "close", conversation: c.id}); });
    var tq = node.querySelector(".hda-transfer-queue"), ta = node.querySelector(".hda-transfer-agent");
    function fillAgents() {
      ta.length = 1;
      (TARGETS.filter(function (q) { return q.slug === tq.value; })[0] || {agents: []}).agents.forEach(function (a) {
        if (a.id !== state.me) ta.appendChild(new Option(a.name, a.id));
      });
    }
    tq.addEventListener("change", fillAgents); fillAgents();
    node.querySelector(".hda-transfer-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var frame = {type: "transfer", conversation: c.id, note: node.querySelector(".hda-transfer-note").value};
      frame.queue = tq.value;
      if (ta.value) frame.agent = +ta.value;
      send(frame);
    });
    activeBox.appendChild(node);
    send({type: "history", conversation: c.id, after: 0});
    renderLoad();
  }
  function addMessage(card, m) {
    if (card.seqs[m.seq]) return;
    card.seqs[m.seq] = true;
    card.lastSeq = Math.max(card.lastSeq, m.seq);
    var li = m.id && m.from === "agent" ? card.log.querySelector('[data-client-id="' + CSS.escape(m.id) + '"]') : null;
    if (!li) {
      li = el("li", "hda-msg hda-" + m.from + (m.internal ? " hda-internal" : ""));
      li.append(el("span", "hda-who", (m.internal ? I18N.internal + " · " : "") + (m.name || "")), el("p", "hda-text", m.text));
    }
    li.classList.remove("hda-sending");
    li.dataset.seq = m.seq;
    var before = null;
    for (var n = card.log.firstChild; n; n = n.nextSibling) {
      if (n !== li && (n.dataset.seq === undefined || +n.dataset.seq > m.seq)) { before = n; break; }
    }
    card.log.insertBefore(li, before);
    card.log.scrollTop = card.log.scrollHeight;
    if (m.from === "customer") card.node.querySelector(".hda-typing").hidden = true;
  }
  function endCard(card, label) {
    if (card.ended) return;
    card.ended = true;
    card.node.classList.add("hda-ended");
    card.node.querySelector(".hda-compose").hidden = true;
    card.node.querySelector(".hda-transfer").hidden = true;
    var close = card.node.querySelector('[data-action="close"]');
    close.textContent = "×"; close.title = label;
    card.log.appendChild(el("li", "hda-msg hda-system", label));
    close.onclick = function (e) { e.stopImmediatePropagation(); card.node.remove(); delete state.cards[card.id]; renderLoad(); };
    renderLoad();
  }
  function showTyping(f) {
    var card = state.cards[f.conversation];
    if (!card) return;
    var box = card.node.querySelector(".hda-typing");
    box.textContent = fmt(I18N.typing, {name: f.name});
    box.hidden = !f.active;
    clearTimeout(card.typingTimer);
    card.typingTimer = setTimeout(function () { box.hidden = true; }, 6000);
  }
  function fillCanned(select, queue) {
    state.canned.filter(function (r) { return !r.queue || r.queue === queue; }).forEach(function (r) {
      select.appendChild(new Option(r.title + (r.shortcut ? " (/" + r.shortcut + ")" : ""), r.id));
    });
  }
  function flash(message) {
    var box = el("div", "hda-flash", I18N.error + ": " + message);
    panel.insertBefore(box, panel.firstChild.nextSibling);
    setTimeout(function () { box.remove(); }, 5000);
  }

  /* --- tickets from every channel ------------------------------------------------------------ */
  function onTicket(f) {
    emit("hd:ticket", {change: f.change, ticket: f.ticket});
    var list = document.getElementById("ticket-list");
    var row = list && list.querySelector('[data-ticket-id="' + f.ticket.id + '"], [data-ticket="' + CSS.escape(f.ticket.reference) + '"]');
    if (row) {
      row.classList.add("hd-updated");
      ["status", "assignee", "queue"].forEach(function (field) {
        var cell = row.querySelector('[data-field="' + field + '"]');
        if (cell && f.ticket[field] != null) cell.textContent = f.ticket[field];
      });
    } else if (f.change === "created" && !state.newTickets[f.ticket.id]) {
      state.newTickets[f.ticket.id] = f.ticket;
      var n = Object.keys(state.newTickets).length;
      newTickets.textContent = fmt(I18N.newTickets, {n: n}) + " ";
      var again = el("a", null, I18N.reload); again.href = location.href;
      newTickets.appendChild(again);
      newTickets.hidden = false;
    }
  }

  presenceSel.addEventListener("change", function () { send({type: "presence", status: presenceSel.value}); });
  fetch(panel.dataset.cannedUrl, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : {canned: []}; })
    .then(function (data) {
      state.canned = data.canned || [];
      Object.keys(state.cards).forEach(function (id) {
        var c = state.conversations[id];
        fillCanned(state.cards[id].node.querySelector(".hda-canned"), c ? c.queue : "");
      });
    }).catch(function () { /* canned responses are optional */ });
  window.HDAgentChat = {send: send, state: state};
  connect();
})();
