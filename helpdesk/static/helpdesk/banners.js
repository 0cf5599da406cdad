/* Keeps the status banners ("situación del sistema", "mensaje general") current without a
   reload: customers hear about an outage while they are still on the page. No framework. */
(function () {
  "use strict";
  var box = document.getElementById("status-banners");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-status-url");
  var labels = {incident: box.getAttribute("data-label-incident"),
                general: box.getAttribute("data-label-general")};

  function banner(kind, label, text, extra) {
    var div = document.createElement("div");
    div.className = "banner " + kind;
    div.setAttribute("role", "status");
    div.setAttribute("data-banner", kind);
    var strong = document.createElement("strong");
    strong.textContent = label + ": ";
    div.appendChild(strong);
    div.appendChild(document.createTextNode(text));
    if (extra) {
      var span = document.createElement("span");
      span.className = "banner-text";
      span.textContent = " — " + extra;
      div.appendChild(span);
    }
    return div;
  }

  function render(data) {
    var nodes = [];
    (data.incidents || []).forEach(function (incident) {
      var node = banner("incident", labels.incident, incident.title, incident.message);
      node.classList.add("severity-" + incident.severity);
      nodes.push(node);
    });
    if (data.general) nodes.push(banner("general", labels.general, data.general.text));
    box.replaceChildren.apply(box, nodes);
  }

  function refresh() {
    fetch(url, {headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) render(data); })
      .catch(function () { /* offline: keep what is shown */ });
  }

  setInterval(function () { if (!document.hidden) refresh(); }, 60000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
  window.HDBanners = {refresh: refresh};
})();
