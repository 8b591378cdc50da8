// Event map: country outlines and event markers, all served by this app (no tiles, no CDN).
// Untrusted text only ever goes into the page through textContent.
"use strict";

(function () {
  const PALETTE = ["#d62728", "#ff7f0e", "#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
  const CELL_PIXELS = 48;
  const MAX_EVENTS = 5000; // the latest ones; the API pages through them 500 at a time
  const DAY_MS = 86400000;
  const mapElement = document.getElementById("map");
  if (!mapElement || typeof L === "undefined") return;
  const status = document.getElementById("map-status");
  const fromInput = document.getElementById("range-from");
  const toInput = document.getElementById("range-to");
  const fromLabel = document.getElementById("label-from");
  const toLabel = document.getElementById("label-to");
  const legend = document.getElementById("legend");
  const selection = document.getElementById("selection");

  const map = L.map(mapElement, { worldCopyJump: true, minZoom: 2, maxZoom: 10, preferCanvas: false }).setView([45, 50], 3);
  map.attributionControl.addAttribution("Natural Earth");
  const markers = L.layerGroup().addTo(map);
  const colours = new Map();
  let events = [];
  let days = [];

  function colourOf(type) {
    if (!colours.has(type)) colours.set(type, PALETTE[colours.size % PALETTE.length]);
    return colours.get(type);
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function evidenceUrl(event) {
    return "/documents/" + encodeURIComponent(event.document_id) + "?event=" + encodeURIComponent(event.id) + "#event-" + encodeURIComponent(event.id);
  }

  function dayOf(date) {
    // The first day an event's date can mean: 2022-01 -> 2022-01-01.
    const parts = (date || "").split("-");
    if (!/^\d{4}$/.test(parts[0])) return null;
    return Date.UTC(Number(parts[0]), parts[1] ? Number(parts[1]) - 1 : 0, parts[2] ? Number(parts[2].slice(0, 2)) : 1);
  }

  function isoDay(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }

  function eventItem(event) {
    const item = element("li");
    const link = element("a", (event.date || "?") + " · " + event.type + (event.place ? " · " + event.place : ""));
    link.href = evidenceUrl(event);
    link.className = "event-link";
    link.dataset.eventId = event.id;
    item.appendChild(link);
    const parts = [event.actor, event.target ? "→ " + event.target : null, event.weapon,
      event.killed !== null ? "getötet " + event.killed : null].filter(Boolean);
    if (parts.length) item.appendChild(element("div", parts.join(" "), "meta"));
    if (event.evidence) item.appendChild(element("q", event.evidence.slice(0, 160)));
    return item;
  }

  function showSelection(group) {
    selection.replaceChildren(...group.map(eventItem));
    document.getElementById("selection-hint").textContent = group.length + " Ereignis(se)";
  }

  function visibleEvents() {
    const from = days[Number(fromInput.value)];
    const to = days[Number(toInput.value)];
    return events.filter((event) => event._day === null || (event._day >= from && event._day <= to));
  }

  function draw() {
    markers.clearLayers();
    const shown = visibleEvents();
    const cells = new Map();
    for (const event of shown) {
      const point = map.project([event.latitude, event.longitude], map.getZoom());
      const key = Math.floor(point.x / CELL_PIXELS) + ":" + Math.floor(point.y / CELL_PIXELS);
      if (!cells.has(key)) cells.set(key, []);
      cells.get(key).push(event);
    }
    for (const group of cells.values()) {
      const latitude = group.reduce((sum, event) => sum + event.latitude, 0) / group.length;
      const longitude = group.reduce((sum, event) => sum + event.longitude, 0) / group.length;
      const byType = new Map();
      for (const event of group) byType.set(event.type, (byType.get(event.type) || 0) + 1);
      const dominant = [...byType.entries()].sort((a, b) => b[1] - a[1])[0][0];
      const places = [...new Set(group.map((event) => event.place).filter(Boolean))];
      const marker = L.circleMarker([latitude, longitude], {
        radius: 6 + 4 * Math.sqrt(group.length),
        color: "#222", weight: 1, fillColor: colourOf(dominant), fillOpacity: 0.75,
      });
      // Leaflet treats string content as HTML: hand it an element with text instead.
      marker.bindTooltip(element("span", places.join(", ") + " (" + group.length + ")"));
      const list = element("ul", null, "popup-list");
      list.replaceChildren(...group.map(eventItem));
      const popup = element("div");
      popup.appendChild(element("strong", places.join(", ") || "?"));
      popup.appendChild(list);
      marker.bindPopup(popup, { maxWidth: 360 });
      marker.on("click", () => showSelection(group));
      marker.addTo(markers);
      const path = marker.getElement();
      if (path) {
        path.classList.add("event-marker");
        path.dataset.count = String(group.length);
        path.dataset.type = dominant;
        path.dataset.places = places.join("|");
        path.dataset.eventIds = group.map((event) => event.id).join(" ");
      }
    }
    status.textContent = shown.length + " von " + events.length + " verorteten Ereignissen" +
      (events.length >= MAX_EVENTS ? " (nur die neuesten " + MAX_EVENTS + ")" : "");
  }

  function buildLegend() {
    const types = [...new Set(events.map((event) => event.type))].sort();
    legend.replaceChildren(...types.map((type) => {
      const item = element("li");
      const swatch = element("span", null, "swatch");
      swatch.style.background = colourOf(type);
      item.appendChild(swatch);
      item.appendChild(element("span", type + " (" + events.filter((event) => event.type === type).length + ")"));
      return item;
    }));
  }

  function setupSlider() {
    const known = events.map((event) => event._day).filter((day) => day !== null);
    const first = known.length ? Math.min(...known) : Date.UTC(2000, 0, 1);
    const last = known.length ? Math.max(...known) : first;
    days = [];
    for (let day = first; day <= last; day += DAY_MS) days.push(day);
    for (const input of [fromInput, toInput]) input.max = String(days.length - 1);
    fromInput.value = "0";
    toInput.value = String(days.length - 1);
    const update = (moved) => {
      if (Number(fromInput.value) > Number(toInput.value)) {
        if (moved === fromInput) toInput.value = fromInput.value; else fromInput.value = toInput.value;
      }
      fromLabel.textContent = isoDay(days[Number(fromInput.value)]);
      toLabel.textContent = isoDay(days[Number(toInput.value)]);
      draw();
    };
    fromInput.addEventListener("input", () => update(fromInput));
    toInput.addEventListener("input", () => update(toInput));
    update(null);
  }

  async function fetchAll(url) {
    const all = [];
    let next = url;
    while (next && all.length < MAX_EVENTS) {
      const response = await fetch(next, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error("HTTP " + response.status);
      const page = await response.json();
      all.push(...page.items);
      next = page.next_cursor ? url + "&cursor=" + encodeURIComponent(page.next_cursor) : null;
    }
    return all;
  }

  async function start() {
    try {
      const outlines = await (await fetch(mapElement.dataset.outlinesUrl)).json();
      L.geoJSON(outlines, { style: { color: "#8a9bb0", weight: 0.7, fillColor: "#f3efe6", fillOpacity: 1 }, interactive: false }).addTo(map);
      events = await fetchAll(mapElement.dataset.eventsUrl);
      for (const event of events) event._day = dayOf(event.date);
      buildLegend();
      setupSlider();
      if (events.length) {
        map.fitBounds(L.latLngBounds(events.map((event) => [event.latitude, event.longitude])).pad(0.3), { maxZoom: 6 });
      }
      map.on("zoomend", draw);
      mapElement.dataset.ready = "true";
    } catch (error) {
      status.textContent = "Karte konnte nicht geladen werden: " + error.message;
    }
  }

  start();
})();
