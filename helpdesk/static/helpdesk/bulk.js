// Agent list: the header box ticks or clears every row's box (shown only with JavaScript on).
(function () {
  "use strict";
  var all = document.getElementById("bulk-all");
  if (!all) return;
  var boxes = function () {
    return document.querySelectorAll('#ticket-list input[name="ticket"]');
  };
  all.hidden = boxes().length === 0;
  all.addEventListener("change", function () {
    boxes().forEach(function (box) { box.checked = all.checked; });
  });
})();
