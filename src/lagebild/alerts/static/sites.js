// Sites map: each protected site as a circle of its radius, coloured by threat level.
// Untrusted text only ever goes into the page through textContent.
"use strict";

(function () {
  const element = document.getElementById("sites-map");
  if (!element || typeof L === "undefined") return;
  const COLOURS = { none: "#2ca02c", info: "#7f7f7f", low: "#bcbd22", medium: "#ff7f0e", high: "#d62728", critical: "#8b0000" };
  element.style.height = "420px";
  const map = L.map(element, { worldCopyJump: true, minZoom: 2, maxZoom: 12 }).setView([45, 50], 3);
  map.attributionControl.addAttribution("Natural Earth");

  fetch(element.dataset.outlinesUrl).then((response) => response.json()).then((outlines) => {
    if (outlines.type === "FeatureCollection") L.geoJSON(outlines, { style: { color: "#999", weight: 1, fill: false } }).addTo(map);
  }).catch(() => {});

  fetch(element.dataset.sitesUrl).then((response) => response.json()).then((sites) => {
    const bounds = [];
    for (const site of sites) {
      const colour = COLOURS[site.threat_level] || "#333";
      const circle = L.circle([site.latitude, site.longitude], { radius: site.radius_km * 1000, color: colour, fillOpacity: 0.2 });
      const popup = document.createElement("div");
      const title = document.createElement("strong");
      title.textContent = site.name + " (" + site.threat_level + ")";
      popup.appendChild(title);
      const list = document.createElement("ul");
      for (const event of site.events) {
        const item = document.createElement("li");
        item.textContent = (event.date || "?") + " · " + event.type + " · " + (event.outlet || "?");
        list.appendChild(item);
      }
      popup.appendChild(list);
      circle.bindPopup(popup).addTo(map);
      bounds.push([site.latitude, site.longitude]);
    }
    if (bounds.length) map.fitBounds(bounds, { maxZoom: 9, padding: [40, 40] });
  }).catch(() => {});
})();
