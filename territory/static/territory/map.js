/* Wangge maps: the grid polygons are the base map (no tiles, no outside requests).
 *
 * <div id="map" data-mode="pick" ...>  report form: tap to pick a point, see its grid
 * <div id="map" data-mode="case" ...>  case page: the case's point in its grid
 * The map object is window.wanggeMap; data-ready="1" is set on the element once grids are drawn.
 */
(function () {
  "use strict";

  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") {
    return;
  }

  var STYLE = {
    county: { color: "#37474f", weight: 2, fill: false, interactive: false },
    grid: { color: "#5b7f73", weight: 1, fillColor: "#d8e6df", fillOpacity: 0.35 },
    faint: { color: "#9fb3ab", weight: 0.6, fillColor: "#e4ece8", fillOpacity: 0.2 },
    home: { color: "#0b6b58", weight: 2.5, fillColor: "#b9dccd", fillOpacity: 0.45 },
    current: { color: "#c0392b", weight: 2.5, fillColor: "#f5b7b1", fillOpacity: 0.35 },
  };

  var NOW = { animate: false }; // the map is in its final place when data-ready is set
  var map = L.map(el, {
    attributionControl: false,
    preferCanvas: true,
    zoomSnap: 0.25,
    minZoom: 7,
    maxZoom: 19,
  });
  window.wanggeMap = map;
  map.setView([33.15, 107.33], 10); // until the grids arrive

  var mode = el.dataset.mode;
  var home = el.dataset.home || ""; // the user's region: its grids' codes start with it

  function isHome(code) {
    return home !== "" && code.indexOf(home) === 0;
  }

  function baseStyle(code) {
    if (mode === "case") {
      return STYLE.faint;
    }
    // A grid worker's own grid stands out (a centre's home is many grids: no point marking them).
    return el.dataset.homeLevel === "grid" && isHome(code) ? STYLE.home : STYLE.grid;
  }
  var gridLayers = {};
  var marker = null;

  /* Leaflet puts a string into a tooltip or popup as HTML (innerHTML). Names come from the admin
   * and from imported GeoJSON, so they go in as text nodes, never parsed: a grid named
   * <img src=x onerror=…> shows those characters. Every tooltip and popup takes its content
   * through here. */
  function asText(value) {
    return function () {
      return document.createTextNode(String(value));
    };
  }

  function point(lat, lon) {
    if (marker) {
      marker.setLatLng([lat, lon]);
    } else {
      marker = L.circleMarker([lat, lon], {
        radius: 8,
        color: "#ffffff",
        weight: 2,
        fillColor: "#c0392b",
        fillOpacity: 1,
        interactive: false,
      }).addTo(map);
    }
  }

  function highlight(code) {
    Object.keys(gridLayers).forEach(function (key) {
      gridLayers[key].setStyle(key === code ? STYLE.current : baseStyle(key));
    });
  }

  function drawGrids(collection) {
    var county = null;
    var all = L.geoJSON(collection, {
      style: function (feature) {
        return feature.properties.level === "county" ? STYLE.county : baseStyle(feature.properties.code);
      },
      onEachFeature: function (feature, layer) {
        if (feature.properties.level === "county") {
          county = layer;
          return;
        }
        gridLayers[feature.properties.code] = layer;
        layer.bindTooltip(asText(feature.properties.name), { sticky: true, direction: "top" });
      },
    }).addTo(map);
    return county || (all.getLayers().length ? all : null);
  }

  /* The grids under the user's own region, with room around a single grid to see its neighbours. */
  function homeBounds() {
    var bounds = null;
    var count = 0;
    Object.keys(gridLayers).forEach(function (code) {
      if (isHome(code)) {
        count += 1;
        bounds = bounds ? bounds.extend(gridLayers[code].getBounds()) : L.latLngBounds(gridLayers[code].getBounds());
      }
    });
    return bounds && bounds.pad(count === 1 ? 0.5 : 0.05);
  }

  /* --- report form: pick a point ----------------------------------------------------------- */

  function setupPicking() {
    var lonInput = document.getElementById(el.dataset.lonInput);
    var latInput = document.getElementById(el.dataset.latInput);
    var result = document.getElementById(el.dataset.result);

    function pick(lat, lon) {
      lat = Math.round(lat * 1e6) / 1e6;
      lon = Math.round(lon * 1e6) / 1e6;
      lonInput.value = lon;
      latInput.value = lat;
      point(lat, lon);
      // An exact point is personal data: it goes in the request body, never in a query string
      // that access logs and the browser's history keep. The body is the request's source: it
      // carries the CSRF header (hx-headers) and is in no form, so only lon and lat are sent.
      htmx.ajax("POST", el.dataset.locateUrl, {
        source: document.body,
        target: result,
        swap: "innerHTML",
        values: { lon: lon, lat: lat },
      });
    }

    map.on("click", function (event) {
      pick(event.latlng.lat, event.latlng.lng);
    });

    result.addEventListener("htmx:afterSwap", function () {
      var hit = result.querySelector("[data-grid-code]");
      highlight(hit ? hit.dataset.gridCode : null);
    });

    var button = document.getElementById("use-location");
    if (button) {
      if (!navigator.geolocation) {
        button.hidden = true;
      }
      button.addEventListener("click", function () {
        button.disabled = true;
        navigator.geolocation.getCurrentPosition(
          function (position) {
            button.disabled = false;
            pick(position.coords.latitude, position.coords.longitude);
            map.setView([position.coords.latitude, position.coords.longitude], Math.max(map.getZoom(), 15));
          },
          function () {
            button.disabled = false;
            result.textContent = button.dataset.error;
          },
          { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
        );
      });
    }

    // A form sent back with errors keeps its point: show it again.
    if (lonInput.value && latInput.value) {
      pick(parseFloat(latInput.value), parseFloat(lonInput.value));
      return L.latLng(parseFloat(latInput.value), parseFloat(lonInput.value));
    }
    return null;
  }

  var picked = mode === "pick" ? setupPicking() : null;

  fetch(el.dataset.gridsUrl, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    })
    .then(function (collection) {
      var whole = drawGrids(collection);
      var homeArea = homeBounds();
      if (mode === "case") {
        var lat = parseFloat(el.dataset.lat);
        var lon = parseFloat(el.dataset.lon);
        var grid = gridLayers[el.dataset.gridCode];
        highlight(el.dataset.gridCode);
        if (grid) {
          grid.bringToFront();
          map.fitBounds(grid.getBounds().pad(0.6), NOW);
        } else {
          map.setView([lat, lon], 15, NOW);
        }
        point(lat, lon);
      } else if (homeArea) {
        map.fitBounds(homeArea, NOW);
      } else if (whole) {
        map.fitBounds(whole.getBounds(), NOW);
      }
      if (picked) {
        // A form sent back keeps its point: show it with the user's area, wherever it fell.
        var area = homeArea || (whole && whole.getBounds());
        map.fitBounds(area ? L.latLngBounds(area.getSouthWest(), area.getNorthEast()).extend(picked) : L.latLngBounds([picked]).pad(0.01), NOW);
      }
      if (marker) {
        marker.bringToFront();
      }
      el.dataset.ready = "1";
    })
    .catch(function () {
      el.classList.add("map--failed");
      el.dataset.ready = "failed";
    });
})();
