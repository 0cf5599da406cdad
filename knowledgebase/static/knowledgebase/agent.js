/* Agent console: insert a suggested article (steps or link) into the reply textarea. */
(function () {
  "use strict";
  function insert(textarea, text) {
    var start = textarea.selectionStart, end = textarea.selectionEnd, value = textarea.value;
    if (typeof start !== "number" || document.activeElement !== textarea) {
      start = end = value.length;
    }
    var before = value.slice(0, start), after = value.slice(end);
    var glue = before && !/\n$/.test(before) ? "\n\n" : "";
    textarea.value = before + glue + text + after;
    var caret = (before + glue + text).length;
    textarea.focus();
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-kb-insert]");
    if (!button) return;
    var panel = button.closest("[data-target]");
    var textarea = document.getElementById(panel ? panel.getAttribute("data-target") : "reply-text");
    if (!textarea) return;
    event.preventDefault();
    insert(textarea, button.getAttribute("data-text") || "");
  });
})();
