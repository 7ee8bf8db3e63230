/* A wall screen shows the command centre all day: the feed polls by itself (htmx); the map and
 * figures are taken afresh every five minutes. */
(function () {
  "use strict";
  window.setTimeout(function () {
    window.location.reload();
  }, 5 * 60 * 1000);
})();
