// Live supervisor dashboard: renders snapshots from /ws/supervisor/ and ticks countdowns.
(function () {
  "use strict";
  const i18n = JSON.parse(document.getElementById("dashboard-i18n").textContent);
  const status = document.getElementById("live-status");
  let snapshot = JSON.parse(document.getElementById("initial-snapshot").textContent);
  let seen = new Set((snapshot.latest || []).map((t) => t.reference));

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function ticketLink(ref) {
    const a = el("a", ref);
    a.href = "/agent/tickets/" + encodeURIComponent(ref) + "/";
    return a;
  }
  function duration(seconds) {
    const s = Math.abs(Math.round(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    if (h >= 48) return Math.floor(h / 24) + " d " + (h % 24) + " h";
    if (h) return h + " h " + String(m).padStart(2, "0") + " min";
    return m + " min " + String(r).padStart(2, "0") + " s";
  }
  function fill(tbody, rows, cells) {
    tbody.replaceChildren();
    if (!rows.length) {
      const tr = el("tr"); const td = el("td", i18n.none, "muted");
      td.colSpan = 8; tr.appendChild(td); tbody.appendChild(tr); return;
    }
    for (const row of rows) {
      const tr = el("tr");
      for (const cell of cells(row, tr)) {
        const td = el("td");
        if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell;
        tr.appendChild(td);
      }
      tbody.appendChild(tr);
    }
  }
  function countdown(row) {
    const span = el("span", "", "countdown");
    if (row.sla_due_at) span.dataset.due = row.sla_due_at;
    return span;
  }
  function tick() {
    const now = Date.now();
    for (const span of document.querySelectorAll(".countdown[data-due]")) {
      const left = (Date.parse(span.dataset.due) - now) / 1000;
      span.textContent = left >= 0 ? duration(left) : duration(left) + " (" + i18n.overdue + ")";
      span.classList.toggle("late", left < 0);
    }
    if (snapshot.chats && snapshot.chats.oldest_since) {
      const wait = (now - Date.parse(snapshot.chats.oldest_since)) / 1000;
      document.getElementById("kpi-longest").textContent = "⏱ " + duration(wait);
    }
  }
  function render(data) {
    snapshot = data;
    const statuses = Object.keys(data.statuses);
    let open = 0;
    fill(document.querySelector("#queues-table tbody"), data.queues, (q) => {
      open += q.total;
      return [q.name, ...statuses.map((s) => q.counts[s]), q.total];
    });
    document.getElementById("kpi-open").textContent = open;
    document.getElementById("kpi-chats").textContent = data.chats.available ? data.chats.waiting : "–";
    if (!data.chats.oldest_since) document.getElementById("kpi-longest").textContent = "";
    document.getElementById("kpi-agents").textContent = data.online_agents;
    document.getElementById("kpi-risk").textContent = data.at_risk.length;
    document.getElementById("kpi-breached").textContent = data.breached.length;
    const frt = data.first_response_today;
    document.getElementById("kpi-frt").textContent = frt.count ? frt.median_minutes + " min" : "–";
    document.getElementById("kpi-frt-detail").textContent = frt.count
      ? frt.count + " · ø " + frt.average_minutes + " min · p90 " + frt.p90_minutes + " min" : "";
    fill(document.querySelector("#agents-table tbody"),
      data.agents.filter((a) => a.online || a.open_tickets),
      (a) => [a.name, a.online ? i18n.online : a.presence, a.open_tickets, a.chats + " / " + a.capacity]);
    const slaRow = (t) => [ticketLink(t.reference), t.queue_label || t.queue, t.assignee || i18n.unassigned, countdown(t)];
    fill(document.querySelector("#risk-table tbody"), data.at_risk, slaRow);
    fill(document.querySelector("#breached-table tbody"), data.breached, slaRow);
    fill(document.querySelector("#latest-table tbody"), data.latest, (t, tr) => {
      tr.dataset.ticket = t.reference;
      if (!seen.has(t.reference)) tr.classList.add("flash");
      return [ticketLink(t.reference), t.subject, t.queue_label || t.queue,
        t.channel_label || t.channel, t.status_label || t.status, t.sla_label || t.sla_state];
    });
    seen = new Set(data.latest.map((t) => t.reference));
    document.getElementById("generated-at").textContent = new Date(data.generated_at).toLocaleTimeString();
    tick();
  }

  let delay = 1000;
  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + "/ws/supervisor/");
    status.dataset.state = "connecting";
    socket.onopen = () => { status.dataset.state = "live"; delay = 1000; };
    // Waiting times and presence also change without events: ask for a fresh view now and then.
    const poll = setInterval(() => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({type: "refresh"}));
    }, 30000);
    socket.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === "snapshot") render(frame);
    };
    socket.onclose = () => {
      clearInterval(poll);
      status.dataset.state = "lost";
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  render(snapshot);
  setInterval(tick, 1000);
  connect();
})();
