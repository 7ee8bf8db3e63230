/* The residents' map of cases (portal/public_cases.html): the county's town outlines and names
 * (places.json) and the cases of the list below it, with the same filters (public_cases.geojson).
 * Without this script the page is the list alone. As territory/map.js: the county's own data is
 * the map, and a base layer comes only from its intranet tile service (data-tile-url).
 *
 * Cases at one point (an event is shown at its grid's centre, so a grid's cases share one) are one
 * marker, bigger for more; its popup lists them, each linked to its public page.
 *
 * The map object is window.wanggePublicMap; once drawn, the element has data-ready="1" and
 * data-markers (how many markers).
 */
(function () {
  "use strict";

  var el = document.getElementById("public-map");
  if (!el || typeof L === "undefined" || !window.fetch) {
    return;
  }
  var box = el.parentNode;

  var COLOUR = { open: "#b42318", closed: "#0b6b58" }; // public.css draws the legend so
  var TOWN = { color: "#37474f", weight: 1.2, opacity: 0.6, dashArray: "5 4", fillColor: "#ffffff", fillOpacity: 0.25, interactive: false };

  box.hidden = false; // before the map is made: Leaflet measures its element
  var map = L.map(el, {
    attributionControl: false,
    preferCanvas: true,
    zoomSnap: 0.25,
    minZoom: 7,
    maxZoom: 18,
  });
  window.wanggePublicMap = map;
  map.setView([33.15, 107.33], 10); // until the county's outline arrives

  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { maxZoom: 18 }).addTo(map);
  }

  /* Names come from the admin and from imported data: into the map as text, never as HTML. */
  function text(value) {
    return document.createTextNode(String(value));
  }

  function fetchJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    });
  }

  function addTowns(places) {
    var chosen = null;
    var all = L.geoJSON(places, {
      style: TOWN,
      onEachFeature: function (feature, layer) {
        var properties = feature.properties;
        if (properties.code === el.dataset.town) {
          chosen = layer;
        }
        if (properties.label) {
          L.tooltip({ permanent: true, direction: "center", className: "public-map__town", interactive: false })
            .setLatLng([properties.label[1], properties.label[0]])
            .setContent(text(properties.name))
            .addTo(map);
        }
      },
    }).addTo(map);
    return (chosen || all).getBounds();
  }

  /* Town names only once a town is big enough on the screen to hold its name: at the county's
   * zoom on a phone they would be drawn over each other. */
  var TOWN_NAMES_FROM_ZOOM = 11;
  function showTownNamesIfRoom() {
    el.classList.toggle("public-map--far", map.getZoom() < TOWN_NAMES_FROM_ZOOM);
  }
  map.on("zoomend", showTownNamesIfRoom);
  showTownNamesIfRoom();

  /* One group per point, in the order the cases came (newest first). */
  function byPoint(features) {
    var groups = {};
    var list = [];
    features.forEach(function (feature) {
      var at = feature.geometry.coordinates;
      var key = at[0] + "," + at[1];
      if (!groups[key]) {
        groups[key] = { lat: at[1], lon: at[0], cases: [] };
        list.push(groups[key]);
      }
      groups[key].cases.push(feature.properties);
    });
    return list;
  }

  function popup(group) {
    var list = document.createElement("ul");
    list.className = "public-map__popup";
    group.cases.forEach(function (item) {
      var entry = document.createElement("li");
      var link = document.createElement("a");
      link.href = item.url;
      link.appendChild(text(item.category));
      var facts = document.createElement("span");
      facts.className = "public-map__facts";
      facts.appendChild(text([item.status, item.place, item.closed_on || item.reported_on].join(" · ")));
      entry.appendChild(link);
      entry.appendChild(facts);
      list.appendChild(entry);
    });
    return list;
  }

  function addCases(collection) {
    var markers = byPoint(collection.features).map(function (group) {
      var open = group.cases.some(function (item) {
        return item.open;
      });
      return L.circleMarker([group.lat, group.lon], {
        radius: 6 + Math.min(group.cases.length - 1, 8),
        color: "#ffffff",
        weight: 2,
        fillColor: open ? COLOUR.open : COLOUR.closed,
        fillOpacity: 0.9,
      }).bindPopup(function () {
        return popup(group);
      });
    });
    var layer = L.featureGroup(markers).addTo(map);
    box.querySelector("[data-more]").hidden = !collection.more;
    el.dataset.markers = String(markers.length);
    return markers.length ? layer.getBounds() : null;
  }

  var places = fetchJSON(el.dataset.placesUrl).catch(function () {
    return null; // the outlines and names help; the cases draw without them
  });

  Promise.all([fetchJSON(el.dataset.casesUrl), places])
    .then(function (loaded) {
      var area = loaded[1] ? addTowns(loaded[1]) : null;
      var cases = addCases(loaded[0]);
      var view = area && area.isValid() ? area : cases;
      if (view) {
        map.fitBounds(view.pad(0.05), { maxZoom: 15, animate: false });
      }
      el.dataset.ready = "1";
    })
    .catch(function () {
      el.classList.add("map--failed");
      box.querySelector("[data-failed]").hidden = false;
      el.dataset.ready = "failed";
    });
})();
