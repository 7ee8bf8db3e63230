/* Wangge maps: the county's own data is the map (grids, town outlines, place names); a base
 * layer comes only from the county's intranet tile service, when WANGGE_TILE_URL is set.
 *
 * <div id="map" data-mode="pick" ...>  report form: tap, search or use the location to pick a
 *                                      point, see its grid; the form is not sent without a point
 *                                      inside the county. Without data-locate-url (the grid
 *                                      worker's app, offline) the grid is found among the grids
 *                                      drawn, and without data-missing-message a point is optional
 * <div id="map" data-mode="case" ...>  case page: the case's point in its grid
 * <div class="map-search">             the place search above either (territory/_map_search.html)
 *
 * What is loaded: places.json (town outlines, town and village names, the same for everyone) and
 * grids.json (a grid worker's village and its neighbours, or the whole county for a centre); a
 * town's grids (grids.json?town=) when the map is moved over a town not loaded yet. The server
 * answers 304 while the territory is unchanged.
 *
 * The map object is window.wanggeMap and its grid layers by code window.wanggeGrids;
 * data-ready="1" is set on the element once the first grids are drawn. Events on the element:
 * "wangge:shown" after it was hidden (fits its size and the user's area again), "wangge:reset"
 * to forget the point picked.
 */
(function () {
  "use strict";

  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") {
    return;
  }

  var STYLE = {
    county: { color: "#37474f", weight: 2, fill: false, interactive: false },
    town: { color: "#37474f", weight: 1.2, opacity: 0.55, dashArray: "5 4", fill: false, interactive: false },
    grid: { color: "#5b7f73", weight: 1, fillColor: "#d8e6df", fillOpacity: 0.35 },
    faint: { color: "#9fb3ab", weight: 0.6, fillColor: "#e4ece8", fillOpacity: 0.2 },
    home: { color: "#0b6b58", weight: 2.5, fillColor: "#b9dccd", fillOpacity: 0.45 },
    current: { color: "#c0392b", weight: 2.5, fillColor: "#f5b7b1", fillOpacity: 0.35 },
  };
  // Which names show at which zoom ([from, below]): towns zoomed out, villages closer, grids
  // closest. Where two would overlap, the bigger place keeps its name.
  var LABEL_ZOOM = { town: [0, 12.5], village: [11.5, 16.5], grid: [14.5, 99] };
  var LABEL_RANK = { town: 0, village: 1, grid: 2 };
  // Font weight and size in px of each level's labels: map.css draws them so, and the overlap
  // test measures them so.
  var LABEL_FONT = { town: "700 15px ", village: "600 13px ", grid: "400 11px " };
  var LABEL_GAP = 4; // px kept clear around a label
  var LOAD_TOWNS_ZOOM = 12; // zoomed out further, the map shows towns, not every grid
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

  if (el.dataset.tileUrl) {
    // The county's own tile service (its host is in the CSP's img-src only when it is set).
    L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, maxNativeZoom: 18 }).addTo(map);
  }

  // Town and county outlines above the grids, and names above both; neither takes the pointer,
  // so a grid under them still shows its tooltip and takes a tap.
  map.createPane("towns");
  map.createPane("labels");
  var outlineRenderer = L.canvas({ pane: "towns" });
  var labelPane = map.getPane("labels");

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
  window.wanggeGrids = gridLayers;
  var currentCode = null;
  var marker = null;
  var countyLayer = null;
  var countyGeometry = null;
  var towns = []; // codes
  var villages = []; // {code, town, at}
  var villageNames = {}; // code → name
  var loadedTowns = {}; // town code → true once its grids are loaded or on their way
  var loadedVillages = {}; // village code → true once some of its grids are drawn
  var labels = []; // {level, text, lat, lon}

  /* Leaflet puts a string into a tooltip or popup as HTML (innerHTML). Names come from the admin
   * and from imported GeoJSON, so they go in as text nodes, never parsed: a grid named
   * <img src=x onerror=…> shows those characters. Every tooltip and popup takes its content
   * through here, and labels and search results are set with textContent. */
  function asText(value) {
    return function () {
      return document.createTextNode(String(value));
    };
  }

  function fetchJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    });
  }

  /* --- inside the county? (the outline from grids.json; the server checks again) ------------ */

  function inRing(ring, x, y) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0];
      var yi = ring[i][1];
      var xj = ring[j][0];
      var yj = ring[j][1];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) {
        inside = !inside;
      }
    }
    return inside;
  }

  function inPolygon(rings, x, y) {
    if (!rings.length || !inRing(rings[0], x, y)) {
      return false;
    }
    for (var k = 1; k < rings.length; k++) {
      if (inRing(rings[k], x, y)) {
        return false; // in a hole
      }
    }
    return true;
  }

  function inGeometry(geometry, x, y) {
    if (geometry.type === "Polygon") {
      return inPolygon(geometry.coordinates, x, y);
    }
    if (geometry.type === "MultiPolygon") {
      return geometry.coordinates.some(function (rings) {
        return inPolygon(rings, x, y);
      });
    }
    return false;
  }

  /* Unknown until the outline has come: then only the server can say. */
  function insideCounty(lat, lon) {
    return !countyGeometry || inGeometry(countyGeometry, lon, lat);
  }

  /* --- labels --------------------------------------------------------------------------- */

  var measure = document.createElement("canvas").getContext("2d");
  var fontFamily = window.getComputedStyle(el).fontFamily || "sans-serif";
  var widths = {};

  function labelWidth(level, text) {
    var key = level + ":" + text;
    if (!(key in widths)) {
      measure.font = LABEL_FONT[level] + fontFamily;
      widths[key] = measure.measureText(text).width;
    }
    return widths[key];
  }

  function addLabel(level, text, lat, lon) {
    if (text && isFinite(lat) && isFinite(lon)) {
      labels.push({ level: level, text: text, lat: lat, lon: lon });
    }
  }

  /* A grid's name without its village's ("北村第1网格" under the label 北村 reads "第1网格"). */
  function gridLabel(code, name) {
    var village = villageNames[code.slice(0, -3)];
    return village && name.indexOf(village) === 0 && name.length > village.length ? name.slice(village.length) : name;
  }

  /* Where a grid's name goes: its ring's centroid, or the middle of its bounds, if inside. */
  function gridLabelPoint(feature, layer) {
    var geometry = feature.geometry;
    var rings = geometry.type === "Polygon" ? geometry.coordinates : geometry.coordinates[0];
    var ring = rings[0];
    var area = 0;
    var cx = 0;
    var cy = 0;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var cross = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
      area += cross;
      cx += (ring[j][0] + ring[i][0]) * cross;
      cy += (ring[j][1] + ring[i][1]) * cross;
    }
    if (area !== 0 && inGeometry(geometry, cx / (3 * area), cy / (3 * area))) {
      return [cy / (3 * area), cx / (3 * area)];
    }
    var centre = layer.getBounds().getCenter();
    return inGeometry(geometry, centre.lng, centre.lat) ? [centre.lat, centre.lng] : null;
  }

  function overlaps(a, b) {
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  }

  /* Greedy: the biggest places first, each name drawn only where it overlaps none drawn yet. */
  function drawLabels() {
    labelPane.replaceChildren();
    labelPane.classList.remove("leaflet-labels-pane--moving");
    var zoom = map.getZoom();
    var view = map.getBounds().pad(0.1);
    var taken = [];
    labels
      .filter(function (label) {
        var range = LABEL_ZOOM[label.level];
        return zoom >= range[0] && zoom < range[1] && view.contains([label.lat, label.lon]);
      })
      .sort(function (a, b) {
        return LABEL_RANK[a.level] - LABEL_RANK[b.level];
      })
      .forEach(function (label) {
        var at = map.latLngToLayerPoint([label.lat, label.lon]);
        var halfWidth = labelWidth(label.level, label.text) / 2 + LABEL_GAP;
        var halfHeight = parseInt(LABEL_FONT[label.level].split(" ")[1], 10) * 0.7 + LABEL_GAP;
        var box = [at.x - halfWidth, at.y - halfHeight, at.x + halfWidth, at.y + halfHeight];
        if (
          taken.some(function (other) {
            return overlaps(box, other);
          })
        ) {
          return;
        }
        taken.push(box);
        var node = document.createElement("div");
        node.className = "map-label map-label--" + label.level;
        var text = document.createElement("span");
        text.textContent = label.text;
        node.appendChild(text);
        L.DomUtil.setPosition(node, at);
        labelPane.appendChild(node);
      });
  }

  var labelsPending = false;
  function scheduleLabels() {
    if (!labelsPending) {
      labelsPending = true;
      window.requestAnimationFrame(function () {
        labelsPending = false;
        drawLabels();
      });
    }
  }
  map.on("zoomstart", function () {
    labelPane.classList.add("leaflet-labels-pane--moving"); // drawn again where the zoom ends
  });
  map.on("moveend", scheduleLabels);

  /* --- grids and places ----------------------------------------------------------------- */

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
    currentCode = code;
    Object.keys(gridLayers).forEach(function (key) {
      gridLayers[key].setStyle(key === code ? STYLE.current : baseStyle(key));
    });
    if (code && gridLayers[code]) {
      gridLayers[code].bringToFront();
    }
  }

  var gridGroup = L.geoJSON(null, {
    style: function (feature) {
      var code = feature.properties.code;
      return code === currentCode ? STYLE.current : baseStyle(code);
    },
    onEachFeature: function (feature, layer) {
      var code = feature.properties.code;
      gridLayers[code] = layer;
      loadedVillages[code.slice(0, -3)] = true; // a grid's code is its village's and a serial
      layer.bindTooltip(asText(feature.properties.name), { sticky: true, direction: "top" });
      var at = gridLabelPoint(feature, layer);
      if (at) {
        addLabel("grid", gridLabel(code, feature.properties.name), at[0], at[1]);
      }
    },
  }).addTo(map);

  function addGrids(collection) {
    (collection.towns || []).forEach(function (code) {
      loadedTowns[code] = true;
    });
    var fresh = collection.features.filter(function (feature) {
      if (feature.properties.level === "county") {
        if (!countyLayer) {
          countyGeometry = feature.geometry;
          countyLayer = L.geoJSON(feature, { style: STYLE.county, renderer: outlineRenderer, interactive: false }).addTo(map);
        }
        return false;
      }
      return !gridLayers[feature.properties.code];
    });
    gridGroup.addData({ type: "FeatureCollection", features: fresh });
    if (marker) {
      marker.bringToFront();
    }
    scheduleLabels();
  }

  function addPlaces(places) {
    L.geoJSON(places, { style: STYLE.town, renderer: outlineRenderer, interactive: false }).addTo(map);
    places.features.forEach(function (feature) {
      var properties = feature.properties;
      towns.push(properties.code);
      addLabel("town", properties.name, properties.label[1], properties.label[0]);
    });
    (places.villages || []).forEach(function (village) {
      villageNames[village[0]] = village[1];
      villages.push({ code: village[0], town: townOf(village[0]), at: L.latLng(village[3], village[2]) });
      addLabel("village", village[1], village[3], village[2]);
    });
    scheduleLabels();
  }

  function townOf(code) {
    var found = null;
    towns.forEach(function (town) {
      if (code.indexOf(town) === 0 && (!found || town.length > found.length)) {
        found = town;
      }
    });
    return found;
  }

  function loadTown(code) {
    if (!code || loadedTowns[code]) {
      return Promise.resolve();
    }
    loadedTowns[code] = true;
    return fetchJSON(el.dataset.gridsUrl + "?town=" + encodeURIComponent(code)).then(addGrids, function () {
      delete loadedTowns[code]; // try again on the next move
    });
  }

  /* The rest of the county on demand: once close enough, the town of any village in or near the
   * view whose grids are not drawn (a grid worker looking at their own area loads nothing). */
  function loadTownsInView() {
    if (map.getZoom() < LOAD_TOWNS_ZOOM) {
      return;
    }
    var near = map.getBounds().pad(0.25);
    villages.forEach(function (village) {
      if (!loadedVillages[village.code] && village.town && !loadedTowns[village.town] && near.contains(village.at)) {
        loadTown(village.town);
      }
    });
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

  /* --- report form: pick a point -------------------------------------------------------- */

  var pick = null;

  function setupPicking() {
    var lonInput = document.getElementById(el.dataset.lonInput);
    var latInput = document.getElementById(el.dataset.latInput);
    var result = document.getElementById(el.dataset.result);

    function refuse(message) {
      var note = document.createElement("p");
      note.className = "locate locate--error";
      note.setAttribute("role", "alert");
      note.textContent = message;
      result.replaceChildren(note);
      highlight(null);
    }

    /* The grid under a point among those drawn: the grid worker's area, kept on the phone. */
    function gridAt(lat, lon) {
      var codes = Object.keys(gridLayers);
      for (var i = 0; i < codes.length; i++) {
        if (inGeometry(gridLayers[codes[i]].feature.geometry, lon, lat)) {
          return codes[i];
        }
      }
      return null;
    }

    function sayLocally(lat, lon) {
      var code = gridAt(lat, lon);
      var note = document.createElement("p");
      note.className = "locate locate--ok";
      note.textContent = code
        ? el.dataset.gridMessage.replace("{grid}", gridLayers[code].feature.properties.name)
        : el.dataset.unmappedMessage;
      result.replaceChildren(note);
      highlight(code);
    }

    pick = function (lat, lon) {
      lat = Math.round(lat * 1e6) / 1e6;
      lon = Math.round(lon * 1e6) / 1e6;
      lonInput.value = lon;
      latInput.value = lat;
      point(lat, lon);
      if (!insideCounty(lat, lon)) {
        refuse(el.dataset.outsideMessage);
        return;
      }
      if (!el.dataset.locateUrl) {
        sayLocally(lat, lon);
        return;
      }
      // An exact point is personal data: it goes in the request body, never in a query string
      // that access logs and the browser's history keep. The body is the request's source: it
      // carries the CSRF header (hx-headers) and is in no form, so only lon and lat are sent.
      htmx.ajax("POST", el.dataset.locateUrl, {
        source: document.body,
        target: result,
        swap: "innerHTML",
        values: { lon: lon, lat: lat },
      });
    };

    map.on("click", function (event) {
      pick(event.latlng.lat, event.latlng.lng);
    });

    result.addEventListener("htmx:afterSwap", function () {
      var hit = result.querySelector("[data-grid-code]");
      highlight(hit ? hit.dataset.gridCode : null);
    });

    // Before the form goes: a point, and inside the county (said with its name, not numbers).
    var form = el.closest("form");
    if (form) {
      form.addEventListener("submit", function (event) {
        var lon = parseFloat(lonInput.value);
        var lat = parseFloat(latInput.value);
        var message = null;
        if (!isFinite(lon) || !isFinite(lat)) {
          message = el.dataset.missingMessage || null;
        } else if (!insideCounty(lat, lon)) {
          message = el.dataset.outsideMessage;
        }
        if (message) {
          event.preventDefault();
          refuse(message);
          el.scrollIntoView({ block: "center" });
        }
      });
    }

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

    el.addEventListener("wangge:reset", function () {
      lonInput.value = "";
      latInput.value = "";
      if (marker) {
        map.removeLayer(marker);
        marker = null;
      }
      result.replaceChildren();
      highlight(null);
    });

    // A form sent back with errors keeps its point: show it again.
    if (lonInput.value && latInput.value) {
      pick(parseFloat(latInput.value), parseFloat(lonInput.value));
      return L.latLng(parseFloat(latInput.value), parseFloat(lonInput.value));
    }
    return null;
  }

  var picked = mode === "pick" ? setupPicking() : null;

  // A map drawn while hidden (in a closed <details>) has no size: measure again once shown.
  el.addEventListener("wangge:shown", function () {
    map.invalidateSize(NOW);
    var area = homeBounds();
    if (area && !marker) {
      map.fitBounds(area, NOW);
    }
    scheduleLabels();
  });

  /* --- place search --------------------------------------------------------------------- */

  function goTo(place) {
    loadTown(townOf(place.code || place.grid || "")); // wherever the place is, its grids are drawn
    var bbox = place.bbox;
    if (bbox) {
      map.fitBounds(L.latLngBounds([bbox[1], bbox[0]], [bbox[3], bbox[2]]), { maxZoom: 17, animate: false });
    } else {
      map.setView([place.lat, place.lon], 16, NOW);
    }
    if (pick) {
      pick(place.lat, place.lon); // on the report form, the place is the point
    }
  }

  function setupSearch() {
    var box = document.querySelector(".map-search");
    if (!box) {
      return;
    }
    var input = box.querySelector("input");
    var list = box.querySelector(".map-search__results");
    var status = box.querySelector(".map-search__status");
    var found = [];
    var asked = 0;
    var timer = null;
    var chooseWhenFound = false;

    function close() {
      list.hidden = true;
      list.replaceChildren();
    }

    function choose(place) {
      close();
      input.value = place.name;
      status.textContent = "";
      goTo(place);
    }

    function show(results) {
      found = results;
      list.replaceChildren();
      results.forEach(function (place) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "map-search__result";
        var name = document.createElement("span");
        name.className = "map-search__name";
        name.textContent = place.name;
        var where = document.createElement("span");
        where.className = "map-search__where";
        where.textContent = [place.kind_label, place.context, place.example ? box.dataset.example : ""]
          .filter(Boolean)
          .join(" · ");
        button.appendChild(name);
        button.appendChild(where);
        button.addEventListener("click", function () {
          choose(place);
        });
        item.appendChild(button);
        list.appendChild(item);
      });
      list.hidden = results.length === 0;
      status.textContent = results.length ? "" : box.dataset.none;
    }

    function search() {
      var query = input.value.trim();
      var mine = ++asked;
      if (!query) {
        close();
        status.textContent = "";
        return;
      }
      fetchJSON(box.dataset.searchUrl + "?q=" + encodeURIComponent(query))
        .then(function (answer) {
          if (mine !== asked) {
            return; // a later query went out: its answer counts
          }
          show(answer.results);
          if (chooseWhenFound && answer.results.length) {
            chooseWhenFound = false;
            choose(answer.results[0]);
          }
        })
        .catch(function () {
          status.textContent = box.dataset.failed;
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      chooseWhenFound = false;
      timer = window.setTimeout(search, 250);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // the search box is inside the report form: Enter must not send it
        window.clearTimeout(timer);
        if (found.length && !list.hidden) {
          choose(found[0]);
        } else {
          chooseWhenFound = true;
          search();
        }
      } else if (event.key === "Escape") {
        close();
      }
    });
  }

  setupSearch();

  /* --- first drawing -------------------------------------------------------------------- */

  var places = el.dataset.placesUrl
    ? fetchJSON(el.dataset.placesUrl).catch(function () {
        return null; // names and town outlines are a help: the grids draw without them
      })
    : Promise.resolve(null);

  Promise.all([fetchJSON(el.dataset.gridsUrl), places])
    .then(function (loaded) {
      if (loaded[1]) {
        addPlaces(loaded[1]);
      }
      addGrids(loaded[0]);
      var caseGrid = el.dataset.gridCode;
      // The case's grid may lie outside a grid worker's area: load its town first.
      return mode === "case" && caseGrid && !gridLayers[caseGrid] ? loadTown(townOf(caseGrid)) : null;
    })
    .then(function () {
      var whole = countyLayer;
      var homeArea = homeBounds();
      if (mode === "case") {
        var lat = parseFloat(el.dataset.lat);
        var lon = parseFloat(el.dataset.lon);
        var grid = gridLayers[el.dataset.gridCode];
        highlight(el.dataset.gridCode);
        if (grid) {
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
      if (picked && homeArea) {
        // A form sent back keeps its point: show it with the user's area, wherever it fell.
        map.fitBounds(L.latLngBounds(homeArea.getSouthWest(), homeArea.getNorthEast()).extend(picked), NOW);
      } else if (picked) {
        // A visitor has no area: their point close up, the street they tapped around it.
        map.setView(picked, 16, NOW);
      }
      if (marker) {
        marker.bringToFront();
      }
      map.on("moveend", loadTownsInView);
      loadTownsInView();
      scheduleLabels();
      el.dataset.ready = "1";
    })
    .catch(function () {
      el.classList.add("map--failed");
      el.dataset.ready = "failed";
    });
})();
