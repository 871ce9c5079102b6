// conflictlens dashboard: map, timeline, filters, table and the incident view, over the HTTP API.
// Every string from the API is untrusted (it comes from news reports): it is put into the page with
// textContent / createTextNode only, never as HTML. The server's Content-Security-Policy backs this up.
"use strict";

(function () {
  const TOKEN_KEY = "conflictlens-token";
  const TIMELINE_HEIGHT = 110;
  const TIMELINE_AXIS = 18;
  const CLICK_TOLERANCE_PX = 3; // a pointer moving less than this between down and up is a click, not a drag

  const state = {
    config: null,
    offset: 0,
    loadSeq: 0,
    timelineKey: null,
    timeline: null,
    map: null,
    markers: null,
    markerById: new Map(),
    dashboardLoaded: false,
  };

  const $ = (selector) => document.querySelector(selector);

  // -- DOM helpers: text only ------------------------------------------------------------------------

  function el(tag, options, children) {
    const node = document.createElement(tag);
    const opts = options || {};
    if (opts.className) node.className = opts.className;
    if (opts.text !== undefined && opts.text !== null) node.textContent = String(opts.text);
    if (opts.href) node.setAttribute("href", opts.href);
    if (opts.title) node.title = String(opts.title);
    for (const [key, value] of Object.entries(opts.data || {})) node.dataset[key] = String(value);
    for (const child of children || []) {
      if (child !== null && child !== undefined) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function svgEl(tag, attrs) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function incidentHref(id) {
    return "#incident/" + encodeURIComponent(id);
  }

  function setState(value, message) {
    document.body.dataset.state = value;
    if (message !== undefined) $("#status").textContent = message;
  }

  function fmt(n) {
    return typeof n === "number" ? n.toLocaleString("en") : "";
  }

  // -- API ---------------------------------------------------------------------------------------------

  class NeedsToken extends Error {}

  async function api(path, params) {
    const query = params ? new URLSearchParams(params).toString() : "";
    const headers = { Accept: "application/json" };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = "Bearer " + token;
    const response = await fetch(path + (query ? "?" + query : ""), { headers });
    if (response.status === 401 || response.status === 403) {
      $("#token-form").hidden = false;
      throw new NeedsToken("reading needs a token");
    }
    const body = await response.json();
    if (!response.ok) throw new Error(body.detail || body.error || "HTTP " + response.status);
    return body;
  }

  // -- filters -----------------------------------------------------------------------------------------

  const FILTER_NAMES = ["since", "until", "country", "event_type", "actor", "q"];

  function currentFilters() {
    const form = $("#filter-form");
    const out = {};
    for (const name of FILTER_NAMES) {
      const value = form.elements[name].value.trim();
      if (value) out[name] = value;
    }
    return out;
  }

  function withoutDates(filters) {
    const out = Object.assign({}, filters);
    delete out.since;
    delete out.until;
    return out;
  }

  function setDates(since, until) {
    const form = $("#filter-form");
    form.elements.since.value = since || "";
    form.elements.until.value = until || "";
    state.offset = 0;
    loadDashboard();
  }

  // -- map ---------------------------------------------------------------------------------------------

  function escapeAttribution(text) {
    // Leaflet renders attributions as HTML; the operator's text is shown literally.
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  async function initMap() {
    const map = L.map("map", { worldCopyJump: true, minZoom: 1, preferCanvas: false }).setView([20, 20], 2);
    const tileUrl = state.config.tile_url;
    if (tileUrl) {
      L.tileLayer(tileUrl, { attribution: escapeAttribution(state.config.tile_attribution || ""), maxZoom: 18 }).addTo(map);
    }
    // The outlines go in a pane under the markers, so they can arrive after the events without covering them.
    map.createPane("outlines").style.zIndex = 350;
    map.attributionControl.addAttribution("Country outlines: Natural Earth via world-atlas");
    state.map = map;
    state.markers = L.layerGroup().addTo(map);
    const topo = await (await fetch("/static/vendor/world-atlas/countries-110m.json")).json();
    L.geoJSON(topojson.feature(topo, topo.objects.countries), {
      pane: "outlines",
      interactive: false,
      style: { color: "#7a8793", weight: 0.8, fillColor: "#eef1f3", fillOpacity: tileUrl ? 0 : 1 },
    }).addTo(map);
  }

  function markerRadius(fatalities) {
    return 4 + Math.min(10, 2 * Math.log1p(fatalities || 0));
  }

  function drawMarkers(features) {
    state.markers.clearLayers();
    state.markerById.clear();
    const points = [];
    for (const feature of features) {
      const [lon, lat] = feature.geometry.coordinates;
      const props = feature.properties;
      const marker = L.circleMarker([lat, lon], {
        radius: markerRadius(props.fatalities),
        className: "event-marker",
        color: "#8b1e1e",
        weight: 1,
        fillColor: "#d43d3d",
        fillOpacity: 0.6,
      });
      marker.on("click", () => openEventPopup(marker, props));
      marker.addTo(state.markers);
      marker.getElement().setAttribute("data-event-id", props.event_id_cnty);
      state.markerById.set(props.event_id_cnty, marker);
      points.push([lat, lon]);
    }
    if (points.length) state.map.fitBounds(points, { maxZoom: 7, padding: [20, 20] });
  }

  function eventFacts(props) {
    const actors = [props.actor1, props.actor2].filter(Boolean).join(" vs ");
    const place = [props.location, props.admin1, props.country].filter(Boolean).join(", ");
    return [
      ["Date", props.event_date],
      ["Type", [props.event_type, props.sub_event_type].filter(Boolean).join(": ")],
      ["Actors", actors],
      ["Place", place],
      ["Fatalities", fmt(props.fatalities)],
      ["Source", props.source],
    ];
  }

  function openEventPopup(marker, props) {
    const link = el("a", { className: "incident-link", text: "Finding the incident…" });
    const facts = el("dl", {}, eventFacts(props).flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v || "" })]));
    const node = el("div", { className: "event-popup", data: { eventId: props.event_id_cnty } }, [
      facts,
      el("p", { className: "notes", text: props.notes }),
      link,
    ]);
    marker.bindPopup(node, { maxWidth: 360 }).openPopup();
    api("/events/" + encodeURIComponent(props.event_id_cnty))
      .then((body) => {
        if (body.incident_id) {
          link.setAttribute("href", incidentHref(body.incident_id));
          link.textContent = "Open the incident and its sources";
        } else {
          link.textContent = "Not attached to an incident yet";
        }
      })
      .catch((err) => {
        link.textContent = "Could not look up the incident: " + err.message;
      });
  }

  function latestWindow(filters) {
    // The map shows the latest events that match. The timeline's counts (same filters) say from which bin on
    // they number at most map_limit; asking for events since then keeps the store's query small.
    const limit = state.config.map_limit;
    const bins = (state.timeline ? state.timeline.bins : []).filter(
      (b) => (!filters.since || b.end >= filters.since) && (!filters.until || b.start <= filters.until)
    );
    let i = bins.length;
    let count = 0;
    while (i > 0 && count + bins[i - 1].count <= limit) {
      count += bins[i - 1].count;
      i -= 1;
    }
    if (i === 0) return filters; // everything fits
    const from = bins[Math.min(i, bins.length - 1)].start;
    return Object.assign({}, filters, { since: filters.since && filters.since > from ? filters.since : from });
  }

  async function loadMap(filters) {
    const limit = state.config.map_limit;
    const window = latestWindow(filters);
    const body = await api("/events", Object.assign({}, window, { format: "geojson", limit }));
    drawMarkers(body.features);
    return { shown: body.features.length, complete: window === filters && body.total <= limit };
  }

  function noteMap(map, total) {
    $("#map-note").textContent = map.complete
      ? `${fmt(map.shown)} of ${fmt(total)} matching events have coordinates; all are on the map.`
      : `The map shows the latest ${fmt(map.shown)} of ${fmt(total)} matching events; narrow the filters or brush the timeline to see the others.`;
  }

  // -- table -------------------------------------------------------------------------------------------

  async function loadTable(filters) {
    const size = state.config.page_size;
    const body = await api("/events", Object.assign({}, filters, { limit: size, offset: state.offset }));
    const tbody = $("#events-table tbody");
    clear(tbody);
    for (const row of body.events) {
      const actors = [row.actor1, row.actor2].filter(Boolean).join(" vs ");
      const place = [row.location, row.admin1, row.country].filter(Boolean).join(", ");
      const tr = el("tr", { data: { eventId: row.event_id_cnty } }, [
        el("td", { text: row.event_date }),
        el("td", { text: row.sub_event_type || row.event_type }),
        el("td", { text: actors }),
        el("td", { text: place }),
        el("td", { className: "num", text: fmt(row.fatalities) }),
        el("td", { text: row.source }),
        el("td", { className: "notes", text: row.notes }),
      ]);
      tr.addEventListener("click", () => {
        const marker = state.markerById.get(row.event_id_cnty);
        if (marker) {
          state.map.panTo(marker.getLatLng());
          marker.fire("click");
        }
      });
      tbody.appendChild(tr);
    }
    const first = body.total ? state.offset + 1 : 0;
    const last = state.offset + body.events.length;
    $("#page-info").textContent = `${fmt(first)}–${fmt(last)} of ${fmt(body.total)}`;
    $("#prev-page").disabled = state.offset === 0;
    $("#next-page").disabled = last >= body.total;
    return body.total;
  }

  // -- timeline ----------------------------------------------------------------------------------------

  function timelineGeometry() {
    const svg = $("#timeline");
    const width = Math.max(200, svg.clientWidth || 800);
    const bins = state.timeline ? state.timeline.bins : [];
    return { svg, width, bins, barWidth: bins.length ? width / bins.length : width };
  }

  function drawTimeline() {
    const { svg, width, bins, barWidth } = timelineGeometry();
    clear(svg);
    svg.setAttribute("viewBox", `0 0 ${width} ${TIMELINE_HEIGHT + TIMELINE_AXIS}`);
    svg.setAttribute("height", TIMELINE_HEIGHT + TIMELINE_AXIS);
    $("#timeline-unit").textContent = state.timeline ? state.timeline.unit : "day";
    if (!bins.length) {
      svg.appendChild(svgEl("text", { x: 8, y: 20, class: "empty" })).textContent = "No dated events match.";
      return;
    }
    const max = Math.max(1, ...bins.map((b) => b.count));
    const { since, until } = currentFilters();
    bins.forEach((bin, i) => {
      const h = Math.round((bin.count / max) * (TIMELINE_HEIGHT - 4));
      const selected = (!since || bin.end >= since) && (!until || bin.start <= until);
      const bar = svgEl("rect", {
        x: i * barWidth + 0.5,
        y: TIMELINE_HEIGHT - h,
        width: Math.max(1, barWidth - 1),
        height: h,
        class: selected ? "bar" : "bar outside",
        "data-start": bin.start,
        "data-end": bin.end,
        "data-count": bin.count,
      });
      bar.appendChild(svgEl("title")).textContent = `${bin.start} – ${bin.end}: ${fmt(bin.count)} events`;
      svg.appendChild(bar);
    });
    const label = (x, anchor, text) => {
      svg.appendChild(svgEl("text", { x, y: TIMELINE_HEIGHT + 13, "text-anchor": anchor, class: "axis" })).textContent = text;
    };
    label(2, "start", bins[0].start);
    label(width - 2, "end", bins[bins.length - 1].end);
    if (since || until) {
      const from = bins.findIndex((b) => !since || b.end >= since);
      let to = bins.length - 1;
      while (to > 0 && until && bins[to].start > until) to -= 1;
      if (from >= 0 && to >= from) {
        svg.appendChild(
          svgEl("rect", { x: from * barWidth, y: 0, width: (to - from + 1) * barWidth, height: TIMELINE_HEIGHT, class: "brush" })
        );
      }
    }
  }

  function binAt(clientX) {
    const { svg, width, bins, barWidth } = timelineGeometry();
    const box = svg.getBoundingClientRect();
    const x = ((clientX - box.left) / box.width) * width;
    return Math.min(bins.length - 1, Math.max(0, Math.floor(x / barWidth)));
  }

  function initBrush() {
    const svg = $("#timeline");
    let startX = null;
    let band = null;
    svg.addEventListener("pointerdown", (event) => {
      if (!state.timeline || !state.timeline.bins.length) return;
      startX = event.clientX;
      svg.setPointerCapture(event.pointerId);
      band = svgEl("rect", { y: 0, height: TIMELINE_HEIGHT, class: "brush dragging", x: 0, width: 0 });
      svg.appendChild(band);
    });
    svg.addEventListener("pointermove", (event) => {
      if (startX === null) return;
      const { width, barWidth } = timelineGeometry();
      const a = binAt(Math.min(startX, event.clientX));
      const b = binAt(Math.max(startX, event.clientX));
      band.setAttribute("x", Math.min(width, a * barWidth));
      band.setAttribute("width", (b - a + 1) * barWidth);
    });
    svg.addEventListener("pointerup", (event) => {
      if (startX === null) return;
      const bins = state.timeline.bins;
      const moved = Math.abs(event.clientX - startX) >= CLICK_TOLERANCE_PX;
      const a = binAt(Math.min(startX, event.clientX));
      const b = binAt(Math.max(startX, event.clientX));
      startX = null;
      if (moved) setDates(bins[a].start, bins[b].end);
      else setDates(null, null);
    });
  }

  async function loadTimeline(filters) {
    const key = JSON.stringify(withoutDates(filters));
    if (key !== state.timelineKey) {
      state.timeline = await api("/timeline", withoutDates(filters));
      state.timelineKey = key;
    }
    drawTimeline();
  }

  // -- dashboard ---------------------------------------------------------------------------------------

  async function loadDashboard(options) {
    const seq = ++state.loadSeq;
    const filters = currentFilters();
    setState("loading", "Loading…");
    try {
      const tableOnly = Boolean(options && options.tableOnly);
      const timelineThenMap = loadTimeline(filters).then(() => (tableOnly ? null : loadMap(filters)));
      const [total, map] = await Promise.all([loadTable(filters), timelineThenMap]);
      if (seq !== state.loadSeq) return;
      if (map) noteMap(map, total);
      state.dashboardLoaded = true;
      setState("ready", `${fmt(total)} events match`);
    } catch (err) {
      if (seq !== state.loadSeq) return;
      setState("error", err instanceof NeedsToken ? "Reading needs a token." : "Could not load: " + err.message);
    }
  }

  function initFilters() {
    const select = $("#filter-form").elements.event_type;
    for (const type of state.config.event_types) select.appendChild(el("option", { text: type }));
    $("#filter-form").addEventListener("submit", (event) => {
      event.preventDefault();
      state.offset = 0;
      loadDashboard();
    });
    $("#reset-filters").addEventListener("click", () => {
      $("#filter-form").reset();
      state.offset = 0;
      loadDashboard();
    });
    $("#prev-page").addEventListener("click", () => {
      state.offset = Math.max(0, state.offset - state.config.page_size);
      loadDashboard({ tableOnly: true });
    });
    $("#next-page").addEventListener("click", () => {
      state.offset += state.config.page_size;
      loadDashboard({ tableOnly: true });
    });
  }

  // -- incident view -----------------------------------------------------------------------------------

  function segments(text, spans) {
    // Cut the text at every span boundary; each piece knows which evidence spans cover it. Nested and
    // overlapping spans (a place inside a quoted claim) stay visible: a piece covered twice is darker.
    const cuts = new Set([0, text.length]);
    for (const s of spans) {
      cuts.add(s.start);
      cuts.add(s.end);
    }
    const points = Array.from(cuts).sort((a, b) => a - b);
    const out = [];
    for (let i = 0; i + 1 < points.length; i += 1) {
      const start = points[i];
      const end = points[i + 1];
      const covering = spans.filter((s) => s.start <= start && s.end >= end);
      out.push({ start, end, fields: Array.from(new Set(covering.map((s) => s.field))) });
    }
    return out;
  }

  function highlightedText(text, spans) {
    const box = el("div", { className: "doc-text" });
    const valid = spans.filter((s) => s.start >= 0 && s.end > s.start && s.end <= text.length);
    for (const piece of segments(text, valid)) {
      const words = text.slice(piece.start, piece.end);
      if (!piece.fields.length) {
        box.appendChild(document.createTextNode(words));
        continue;
      }
      box.appendChild(
        el("mark", {
          className: "depth-" + Math.min(3, piece.fields.length),
          text: words,
          title: piece.fields.join(", "),
          data: { start: piece.start, end: piece.end },
        })
      );
    }
    return box;
  }

  function figureText(entry) {
    if (entry.low === null || entry.low === undefined) return entry.kind;
    const amount = entry.high === null || entry.high === undefined || entry.high === entry.low ? `${entry.low}` : `${entry.low}–${entry.high}`;
    return [amount, entry.category, entry.side ? `(${entry.side})` : ""].filter(Boolean).join(" ");
  }

  function drawLedger(ledger) {
    const tbody = $("#ledger tbody");
    clear(tbody);
    for (const entry of ledger) {
      tbody.appendChild(
        el("tr", { data: { docId: entry.doc_id } }, [
          el("td", { text: entry.outlet }),
          el("td", { text: entry.published }),
          el("td", { text: entry.claimant }),
          el("td", { className: "stance stance-" + entry.stance, text: entry.stance }),
          el("td", { text: figureText(entry) }),
          el("td", { className: "quote", text: entry.quote }),
        ])
      );
    }
    if (!ledger.length) tbody.appendChild(el("tr", {}, [el("td", { text: "No claims were extracted." })]));
  }

  function drawSummary(incident) {
    const place = incident.place || {};
    $("#incident-title").textContent = [
      incident.sub_event_type || incident.event_type,
      [place.name, place.admin1, place.country].filter(Boolean).join(", "),
      incident.event_date,
    ]
      .filter(Boolean)
      .join(" — ");
    const low = incident.fatalities_low;
    const high = incident.fatalities_high;
    const facts = [
      ["Incident", incident.id],
      ["Status", incident.status],
      ["Fatalities", fmt(incident.fatalities) + (low !== null && high !== null && low !== high ? ` (reports range ${low}–${high})` : "")],
      ["Actors", (incident.actors || []).join("; ")],
      ["Sources", fmt((incident.doc_ids || []).length)],
    ];
    const dl = $("#incident-summary");
    clear(dl);
    for (const [k, v] of facts) {
      dl.appendChild(el("dt", { text: k }));
      dl.appendChild(el("dd", { text: v }));
    }
  }

  async function drawDocument(docId, eventIds) {
    const body = await api("/documents/" + encodeURIComponent(docId));
    const doc = body.document;
    const spans = body.spans.filter((s) => s.event_id !== null && eventIds.has(s.event_id));
    const url = safeUrl(doc.url);
    const heading = el("h4", { text: doc.title || doc.outlet || doc.id.slice(0, 12) });
    const meta = el("p", { className: "doc-meta" }, [
      [doc.outlet, doc.published].filter(Boolean).join(", "),
      url ? " · " : null,
      url ? el("a", { href: url, text: "original", title: url }) : null,
    ]);
    if (url) meta.lastChild.setAttribute("rel", "noopener noreferrer");
    return el("article", { className: "document", data: { docId: doc.id } }, [heading, meta, highlightedText(doc.text, spans)]);
  }

  async function showIncident(id) {
    const seq = ++state.loadSeq;
    setState("loading", "Loading the incident…");
    const documents = $("#documents");
    clear(documents);
    try {
      const body = await api("/incidents/" + encodeURIComponent(id));
      const incident = body.incident;
      drawSummary(incident);
      drawLedger(body.ledger);
      const eventIds = new Set(incident.event_ids);
      const articles = await Promise.all(incident.doc_ids.map((docId) => drawDocument(docId, eventIds)));
      if (seq !== state.loadSeq) return;
      for (const article of articles) documents.appendChild(article);
      setState("ready", `Incident with ${fmt(articles.length)} sources`);
    } catch (err) {
      if (seq !== state.loadSeq) return;
      $("#incident-title").textContent = "Incident not shown";
      setState("error", err instanceof NeedsToken ? "Reading needs a token." : "Could not load the incident: " + err.message);
    }
  }

  // -- routing -----------------------------------------------------------------------------------------

  function route() {
    const match = /^#incident\/(.+)$/.exec(location.hash);
    $("#incident-view").hidden = !match;
    $("#dashboard-view").hidden = Boolean(match);
    if (match) {
      showIncident(decodeURIComponent(match[1]));
    } else {
      state.map.invalidateSize();
      if (state.dashboardLoaded) setState("ready", $("#status").textContent);
      else loadDashboard();
    }
  }

  function initToken() {
    $("#token-form").addEventListener("submit", (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, event.target.elements.token.value.trim());
      event.target.hidden = true;
      route();
    });
  }

  async function start() {
    let basemap;
    try {
      state.config = await api("/dashboard/config");
      basemap = initMap(); // the events load while the outlines are fetched and drawn
    } catch (err) {
      setState("error", "The dashboard could not start: " + err.message);
      return;
    }
    initFilters();
    initBrush();
    initToken();
    window.addEventListener("hashchange", route);
    window.addEventListener("resize", drawTimeline);
    route();
    try {
      await basemap;
      document.body.dataset.basemap = "ready";
    } catch (err) {
      document.body.dataset.basemap = "error";
      $("#map-note").textContent = "The country outlines could not be drawn: " + err.message;
    }
  }

  document.addEventListener("DOMContentLoaded", start);
})();
