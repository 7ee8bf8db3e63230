/* The command centre's map: the parts of the region on screen (towns of a county, villages of a
 * town, grids of a village), coloured by the chosen indicator's class; a click drills down.
 *
 * <div id="choropleth" data-outlines-url="…">  the parts' outlines (GeoJSON, command:outlines)
 * <script id="choropleth-values">             [{code, display, colour, url}] from the page
 *
 * The classes' colours are the stylesheet's (.colour-0 … .colour-4, .colour-none), read once,
 * so the legend and the map cannot disagree. data-ready="1" is set once the parts are drawn.
 */
(function () {
  "use strict";

  var el = document.getElementById("choropleth");
  var source = document.getElementById("choropleth-values");
  if (!el || !source || typeof L === "undefined") {
    return;
  }
  var values = {};
  JSON.parse(source.textContent).forEach(function (value) {
    values[value.code] = value;
  });
  var NAMED_UP_TO = 40; // parts: with more (a village's grids), names show on hover only

  function colourOf(className) {
    var probe = document.createElement("span");
    probe.className = "legend__swatch " + className;
    probe.style.display = "none";
    document.body.appendChild(probe);
    var colour = getComputedStyle(probe).backgroundColor;
    document.body.removeChild(probe);
    return colour;
  }
  var palette = [0, 1, 2, 3, 4].map(function (index) {
    return colourOf("colour-" + index);
  });
  var none = colourOf("colour-none");

  var map = L.map(el, { attributionControl: false, zoomSnap: 0.25, minZoom: 7, maxZoom: 19 });
  map.setView([33.15, 107.33], 10);

  fetch(el.dataset.outlinesUrl, { credentials: "same-origin" })
    .then(function (response) {
      return response.json();
    })
    .then(function (data) {
      var named = data.features.length <= NAMED_UP_TO;
      var layer = L.geoJSON(data, {
        style: function (feature) {
          var value = values[feature.properties.code];
          var known = value && value.colour !== null;
          return {
            color: "#37474f",
            weight: 1,
            fillColor: known ? palette[value.colour] : none,
            fillOpacity: 0.85,
          };
        },
        onEachFeature: function (feature, part) {
          var value = values[feature.properties.code];
          var text = feature.properties.name + (value ? " " + value.display : "");
          part.bindTooltip(text, {
            permanent: named,
            direction: "center",
            className: "choropleth-label",
          });
          if (value && value.url) {
            part.on("click", function () {
              window.location.href = value.url;
            });
          }
        },
      }).addTo(map);
      window.wanggeChoropleth = layer;
      map.fitBounds(layer.getBounds(), { animate: false, padding: [8, 8] });
      el.dataset.ready = "1";
    });
})();
