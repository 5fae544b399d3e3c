// The Guildhall console page: plain DOM and fetch, charts by Chart.js (served from the jar).
"use strict";

const state = { token: sessionStorage.getItem("guildhall-console-token"), charts: {} };
const $ = (id) => document.getElementById(id);
const minutes = (ms) => Math.round(ms / 600) / 100;

async function api(method, path, body) {
  const headers = { "Content-Type": "application/json" };
  if (state.token) headers.Authorization = "Bearer " + state.token;
  const response = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const json = await response.json().catch(() => ({}));
  if (response.status === 401 && path !== "/v1/console/authenticate") signOut();
  if (!response.ok) throw new Error(json.message || ("HTTP " + response.status));
  return json;
}

function signOut() {
  state.token = null;
  sessionStorage.removeItem("guildhall-console-token");
  $("app").hidden = true;
  $("signin").hidden = false;
}

function text(tag, content, cls) {
  const node = document.createElement(tag);
  node.textContent = content;
  if (cls) node.className = cls;
  return node;
}

function draw(id, type, labels, datasets, options) {
  if (state.charts[id]) state.charts[id].destroy();
  state.charts[id] = new Chart($(id), {
    type, data: { labels, datasets },
    options: Object.assign({ animation: false, responsive: true, scales: { y: { beginAtZero: true } } }, options || {}),
  });
}

async function showDays() {
  const from = $("from").value, to = $("to").value;
  const query = "?from=" + encodeURIComponent(from) + "&to=" + encodeURIComponent(to);
  const [days, retention] = await Promise.all([
    api("GET", "/v1/console/metrics/days" + query), api("GET", "/v1/console/metrics/retention" + query)]);
  const labels = days.days.map((d) => d.day);
  draw("chart-sessions", "bar", labels, [
    { label: "sessions", data: days.days.map((d) => d.sessions) },
    { label: "start only", data: days.days.map((d) => d.start_only_sessions) }]);
  draw("chart-length", "line", labels, [
    { label: "average", data: days.days.map((d) => minutes(d.average_length_ms)) },
    { label: "median", data: days.days.map((d) => minutes(d.median_length_ms)) },
    { label: "p90", data: days.days.map((d) => minutes(d.p90_length_ms)) }]);
  draw("chart-playtime", "line", labels, [
    { label: "playtime per DAU", data: days.days.map((d) => minutes(d.playtime_per_daily_active_ms)) },
    { label: "active playtime per DAU", data: days.days.map((d) => minutes(d.active_playtime_per_daily_active_ms)) }]);
  draw("chart-dau", "bar", labels, [{ label: "DAU", data: days.days.map((d) => d.daily_active) }]);
  const steps = ["d1", "d2", "d3", "d4", "d5", "d6", "d7", "d14", "d30"];
  const cohorts = retention.cohorts.filter((c) => c.cohort > 0);
  draw("chart-retention", "line", steps.map((s) => s.toUpperCase()), cohorts.map((c) => ({
    label: c.day + " (" + c.cohort + ")", data: steps.map((s) => Math.round(1000 * c.retained[s] / c.cohort) / 10) })),
    { scales: { y: { beginAtZero: true, max: 100 } } });
  const body = $("days-table").querySelector("tbody");
  body.replaceChildren(...days.days.map((d) => {
    const row = document.createElement("tr");
    [d.day, d.sessions, d.start_only_sessions, minutes(d.average_length_ms), minutes(d.median_length_ms),
      minutes(d.p90_length_ms), minutes(d.playtime_ms), minutes(d.active_playtime_ms), d.daily_active]
      .forEach((v) => row.append(text("td", String(v))));
    return row;
  }));
  $("status").textContent = "Times in minutes, days in " + days.time_zone + ".";
}

async function showIdentity(id) {
  const view = $("identity-view");
  view.replaceChildren(text("p", "Loading…"));
  try {
    const identity = await api("GET", "/v1/console/identity/" + encodeURIComponent(id) + "/metrics");
    const parts = [text("p", identity.session_count + " sessions, playtime " + minutes(identity.playtime_ms)
      + " min, active " + minutes(identity.active_playtime_ms) + " min", "summary")];
    for (const s of identity.sessions) {
      const box = document.createElement("div");
      box.className = "session";
      box.append(text("strong", s.session_id + ": " + s.start_time + " → " + s.last_time + " (" + minutes(s.length_ms)
        + " min, active " + minutes(s.active_ms) + " min, " + s.event_count + " events)"));
      const list = document.createElement("ul");
      s.events.forEach((e) => list.append(text("li", e.timestamp + " " + e.name + (e.value ? " = " + e.value : ""))));
      box.append(list);
      parts.push(box);
    }
    const unattached = document.createElement("div");
    unattached.className = "unattached";
    unattached.append(text("h3", "Events in no session (" + identity.unattached_events.length + ")"));
    const list = document.createElement("ul");
    identity.unattached_events.forEach((e) => list.append(text("li", e.timestamp + " " + e.name + " — " + e.kind + ": " + e.reason)));
    unattached.append(list);
    parts.push(unattached);
    view.replaceChildren(...parts);
  } catch (e) {
    view.replaceChildren(text("p", e.message, "error"));
  }
}

async function showAccount() {
  const by = $("account-by").value, value = $("account-value").value.trim();
  const query = by === "id" || by === "username"
    ? by + "=" + encodeURIComponent(value)
    : "provider=" + by + "&subject=" + encodeURIComponent(by === "email" ? value.toLowerCase() : value);
  const view = $("account-view");
  try {
    const { account } = await api("GET", "/v1/console/account?" + query);
    const box = document.createElement("div");
    box.id = "account-" + account.id;
    box.append(text("p", account.username + " (" + account.id + "), created " + account.create_time));
    box.append(text("p", account.banned ? "Banned" : "Active", account.banned ? "banned" : "active"));
    const toggle = text("button", account.banned ? "Unban" : "Ban");
    toggle.id = "ban-toggle";
    toggle.addEventListener("click", async () => {
      await api("POST", "/v1/console/account/" + account.id + (account.banned ? "/unban" : "/ban"), {});
      $("account-by").value = "id";
      $("account-value").value = account.id;
      await showAccount();
    });
    box.append(toggle);
    view.replaceChildren(box);
  } catch (e) {
    view.replaceChildren(text("p", e.message, "error"));
  }
}

function start() {
  $("signin").hidden = true;
  $("app").hidden = false;
  const today = new Date();
  if (!$("to").value) $("to").value = today.toISOString().slice(0, 10);
  if (!$("from").value) $("from").value = new Date(today.getTime() - 29 * 86400000).toISOString().slice(0, 10);
  const params = new URLSearchParams(location.search);
  if (params.get("from")) $("from").value = params.get("from");
  if (params.get("to")) $("to").value = params.get("to");
  showDays().catch((e) => { $("status").textContent = e.message; });
}

$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("signin-error").textContent = "";
  try {
    const { token } = await api("POST", "/v1/console/authenticate", { email: $("email").value, password: $("password").value });
    state.token = token;
    sessionStorage.setItem("guildhall-console-token", token);
    start();
  } catch (e) {
    $("signin-error").textContent = e.message;
  }
});
$("range-form").addEventListener("submit", (event) => { event.preventDefault(); showDays().catch((e) => { $("status").textContent = e.message; }); });
$("rebuild").addEventListener("click", async () => {
  // event ingestion waits while the numbers are derived again: about 2 s per million stored events
  if (!confirm("Rebuild every metric from the stored events? Event ingestion waits while it runs "
      + "(about 2 s per million stored events).")) {
    return;
  }
  $("rebuild").disabled = true;
  $("status").textContent = "Rebuilding the metrics (event ingestion waits meanwhile)...";
  try {
    const result = await api("POST", "/v1/console/metrics/rebuild", {});
    await showDays();
    // after showDays, which writes its own note in the same place
    $("status").textContent += " Rebuilt from " + result.sessions + " sessions and " + result.events + " events in "
      + result.duration_ms + " ms.";
  } catch (e) {
    $("status").textContent = "Rebuild failed: " + e.message;
  } finally {
    $("rebuild").disabled = false;
  }
});
$("backup").addEventListener("click", async () => {
  $("backup").disabled = true;
  $("backup-status").textContent = "Writing the backup...";
  try {
    const result = await api("POST", "/v1/console/backup", {});
    const mib = (result.bytes / 1048576).toFixed(1);
    $("backup-status").textContent = "Backup written to " + result.folder + " (" + mib + " MiB in " + result.duration_ms + " ms).";
  } catch (e) {
    $("backup-status").textContent = "Backup failed: " + e.message;
  } finally {
    $("backup").disabled = false;
  }
});
$("identity-form").addEventListener("submit", (event) => { event.preventDefault(); showIdentity($("identity-id").value.trim()); });
$("account-form").addEventListener("submit", (event) => { event.preventDefault(); showAccount(); });
if (state.token) start();
