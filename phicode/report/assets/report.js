// phicode report: the browser of pairs and rejected records.
// The records come embedded (gzip + base64) in #phicode-data; everything taken from a
// record is set with textContent (or highlighted by highlight.js, which escapes), never
// as markup. The list is paged, so 100,000 records cost one page of DOM.
"use strict";

const PAGE = 50;
const state = { tab: "pairs", page: 0, rows: [], selected: null };
let DATA = { pairs: [], rejected: [] };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key === "onclick") node.addEventListener("click", value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child ?? "")));
  }
  return node;
}

async function load() {
  const text = document.getElementById("phicode-data").textContent.trim();
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return JSON.parse(await new Response(stream).text());
}

const NONE = "\u2014"; // an empty field reads as a dash, never as nothing

function missing(value) {
  return value === null || value === undefined || value === "";
}

function score(value) {
  return missing(value) ? "" : Number(value).toFixed(2);
}

// The non-empty parts joined by `separator`, or a dash when none is left.
function joined(parts, separator) {
  const kept = parts.filter((part) => !missing(part));
  return kept.length ? kept.join(separator) : NONE;
}

// What a search looks in: a pair's text and source; a rejected record's too, and the
// raw model output it kept.
const SEARCHED = ["entry_point", "question", "solution", "tests", "id", "detail", "repo", "path",
  "license", "raw"];

function matches(record, query) {
  if (!query) return true;
  const q = query.toLowerCase();
  return SEARCHED.some((key) => (record[key] || "").toLowerCase().includes(q));
}

function filtered() {
  const query = document.getElementById("search").value.trim();
  const repo = document.getElementById("repo").value;
  const reason = document.getElementById("reason").value;
  const minScore = parseFloat(document.getElementById("min-score").value);
  const source = state.tab === "pairs" ? DATA.pairs : DATA.rejected;
  return source.filter((r) => {
    if (repo && r.repo !== repo) return false;
    if (state.tab === "rejected" && reason && `${r.stage}/${r.reason}` !== reason) return false;
    if (state.tab === "pairs" && !Number.isNaN(minScore)) {
      if (r.mutation_score === null || r.mutation_score < minScore) return false;
    }
    return matches(r, query);
  });
}

function render() {
  state.rows = filtered();
  const pages = Math.max(1, Math.ceil(state.rows.length / PAGE));
  state.page = Math.min(state.page, pages - 1);
  const head = document.getElementById("rows-head");
  const body = document.getElementById("rows");
  head.replaceChildren();
  body.replaceChildren();
  const columns =
    state.tab === "pairs"
      ? ["entry point", "repository", "tests", "mutation", "solve rate"]
      : ["stage", "reason", "entry point", "repository", "detail"];
  head.append(el("tr", {}, ...columns.map((c) => el("th", {}, c))));
  const start = state.page * PAGE;
  for (const record of state.rows.slice(start, start + PAGE)) {
    const cells =
      state.tab === "pairs"
        ? [record.entry_point, record.repo, record.tests_total, score(record.mutation_score),
           score(record.solve_rate)]
        : [record.stage, record.reason, record.entry_point, record.repo,
           (record.detail || "").slice(0, 90)];
    const row = el("tr", { class: "row", "data-index": record.i, onclick: () => show(record) },
      ...cells.map((c) => el("td", {}, c)));
    body.append(row);
  }
  document.getElementById("count").textContent =
    `${state.rows.length.toLocaleString()} ${state.tab === "pairs" ? "pairs" : "rejected records"}`;
  document.getElementById("page").textContent = `page ${state.page + 1} of ${pages}`;
  document.getElementById("prev").disabled = state.page === 0;
  document.getElementById("next").disabled = state.page >= pages - 1;
}

function code(text) {
  const block = el("code", { class: "language-python" });
  if (window.hljs && text) {
    block.innerHTML = window.hljs.highlight(text, { language: "python", ignoreIllegals: true }).value;
  } else {
    block.textContent = text || "";
  }
  return el("pre", { class: "code" }, block);
}

function show(record) {
  state.selected = record;
  const pane = document.getElementById("detail");
  pane.replaceChildren();
  const file = record.path && record.lines ? `${record.path}:${record.lines}` : record.path;
  const facts =
    state.tab === "pairs"
      ? [["id", record.id],
         ["source", joined([record.repo, file], " ")],
         ["licence", record.license],
         ["generator", joined([record.backend, record.model, record.prompt], " / ")],
         ["verification", joined([record.status,
           `${record.tests_total} test${record.tests_total === 1 ? "" : "s"}`,
           missing(record.mutation_score) ? "" : `mutation ${score(record.mutation_score)}`,
           missing(record.solve_rate) ? "" : `solve rate ${score(record.solve_rate)}`], ", ")]]
      : [["stage", record.stage], ["reason", record.reason], ["where", record.where],
         ["source", joined([record.repo, record.path], " ")], ["licence", record.license]];
  pane.append(el("h3", {}, record.entry_point || "(no entry point)"));
  pane.append(el("dl", {}, ...facts.flatMap(([k, v]) =>
    [el("dt", {}, k), el("dd", {}, missing(v) ? NONE : v)])));
  pane.append(el("h4", {}, "detail"), el("pre", { class: "detail-text" }, record.detail || ""));
  const sides = el("div", { class: "sides" });
  sides.append(el("div", { class: "side" }, el("h4", {}, "question"),
    el("pre", { class: "question" }, record.question || "")));
  sides.append(el("div", { class: "side" }, el("h4", {}, "solution"), code(record.solution)));
  sides.append(el("div", { class: "side" }, el("h4", {}, "tests"), code(record.tests)));
  pane.append(sides);
  if (record.raw) pane.append(el("h4", {}, "model output"), el("pre", { class: "raw" }, record.raw));
  pane.scrollIntoView();
}

function setTab(tab) {
  state.tab = tab;
  state.page = 0;
  state.selected = null; // the detail shown belongs to the other tab's list
  document.getElementById("detail").replaceChildren();
  for (const button of document.querySelectorAll(".tab")) {
    button.classList.toggle("active", button.dataset.tab === tab);
  }
  document.getElementById("reason").disabled = tab !== "rejected";
  document.getElementById("min-score").disabled = tab !== "pairs";
  render();
}

// Exactly the reason's records: every other filter is reset.
function showReason(stage, reason) {
  document.getElementById("reason").value = `${stage}/${reason}`;
  for (const id of ["search", "repo", "min-score"]) document.getElementById(id).value = "";
  setTab("rejected");
  document.getElementById("browser").scrollIntoView();
}

function fillSelect(id, values) {
  const select = document.getElementById(id);
  for (const value of values) select.append(el("option", { value }, value));
}

async function main() {
  try {
    DATA = await load();
  } catch (error) {
    document.getElementById("count").textContent = `the embedded records could not be read: ${error}`;
    return;
  }
  fillSelect("repo", [...new Set([...DATA.pairs, ...DATA.rejected].map((r) => r.repo))].sort());
  fillSelect("reason", [...new Set(DATA.rejected.map((r) => `${r.stage}/${r.reason}`))].sort());
  for (const id of ["search", "repo", "reason", "min-score"]) {
    document.getElementById(id).addEventListener("input", () => { state.page = 0; render(); });
  }
  document.getElementById("prev").addEventListener("click", () => { state.page--; render(); });
  document.getElementById("next").addEventListener("click", () => { state.page++; render(); });
  for (const button of document.querySelectorAll(".tab")) {
    button.addEventListener("click", () => setTab(button.dataset.tab));
  }
  for (const link of document.querySelectorAll("a.reason")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      showReason(link.dataset.stage, link.dataset.reason);
    });
  }
  setTab("pairs");
  document.body.dataset.ready = "true";
}

main();
