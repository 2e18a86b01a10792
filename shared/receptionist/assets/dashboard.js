// The owner dashboard: sign in, the business's appointments today and
// ahead, recent conversations, and the lockdown switch. Talks only to this
// host's /v1/auth and /v1/owner routes; the session token lives in this
// tab's sessionStorage and nowhere else.
"use strict";

const $ = (id) => document.getElementById(id);
const store = window.sessionStorage;
let zone = "UTC";

async function api(method, path, body) {
  const headers = { "content-type": "application/json" };
  const token = store.getItem("edgedesk-owner-token");
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let json = null;
  try { json = await res.json(); } catch (_) { /* not JSON */ }
  if (res.status === 401 && path !== "/v1/auth/login") signedOut();
  if (!res.ok || !json || !json.ok) {
    const message = json && json.error ? json.error.message : `HTTP ${res.status}`;
    throw new Error(message);
  }
  return json.data;
}

// Dates and times as the business's wall clock reads them.
function zoned(options) {
  try { return new Intl.DateTimeFormat("en-CA", { timeZone: zone, ...options }); }
  catch (_) { return new Intl.DateTimeFormat("en-CA", { timeZone: "UTC", ...options }); }
}
const dayOf = (iso) => zoned({ year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(iso));
const timeOf = (iso) => zoned({ hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(iso));
const dateOf = (iso) => zoned({ weekday: "short", month: "short", day: "numeric" }).format(new Date(iso));

function item(parts) {
  const li = document.createElement("li");
  for (const [cls, text] of parts) {
    const span = document.createElement("span");
    if (cls) span.className = cls;
    span.textContent = text;
    li.append(span, " ");
  }
  return li;
}

function fill(list, items, empty) {
  list.replaceChildren(...items);
  if (!items.length) {
    const li = document.createElement("li");
    li.className = "empty";
    li.textContent = empty;
    list.append(li);
  }
}

function appointment(a, withDate) {
  const who = a.contact && a.contact.name ? a.contact.name : "no name";
  const li = item([
    ["when", (withDate ? `${dateOf(a.start)} ` : "") + timeOf(a.start)],
    ["", a.service],
    ["muted", `${who}${a.status === "booked" ? "" : ` (${a.status})`}`],
  ]);
  li.className = "appointment";
  li.dataset.id = a.id;
  return li;
}

function showLockdown(on) {
  $("lockdown").checked = on;
  $("lockdown-panel").classList.toggle("on", on);
  $("lockdown-state").textContent = on
    ? "Locked down: the assistant answers no calls, texts or chats."
    : "The assistant is answering.";
}

async function load() {
  $("desk-error").textContent = "";
  const business = await api("GET", "/v1/owner/business");
  zone = business.time_zone;
  $("business-name").textContent = business.name;
  showLockdown(business.lockdown_mode);
  const list = await api("GET", "/v1/owner/appointments?status=booked");
  const today = dayOf(new Date().toISOString());
  const todays = list.appointments.filter((a) => dayOf(a.start) === today);
  const later = list.appointments.filter((a) => dayOf(a.start) > today);
  fill($("today"), todays.map((a) => appointment(a, false)), "Nothing booked today.");
  fill($("upcoming"), later.map((a) => appointment(a, true)), "Nothing booked in the next two weeks.");
  const convs = await api("GET", "/v1/owner/conversations?limit=10");
  fill($("conversations"), convs.conversations.map((c) => {
    const who = c.contact && (c.contact.name || c.contact.phone) ? (c.contact.name || c.contact.phone) : "someone";
    const li = item([
      ["when", `${dateOf(c.updated_at)} ${timeOf(c.updated_at)}`],
      ["", `${c.channel}, ${who}`],
      ["muted", c.last_text || ""],
    ]);
    li.className = "conversation";
    return li;
  }), "No conversations yet.");
  document.body.dataset.loaded = "true";
}

function signedOut() {
  store.removeItem("edgedesk-owner-token");
  document.body.dataset.loaded = "";
  $("desk").hidden = true;
  $("signin").hidden = false;
}

async function signedIn() {
  $("signin").hidden = true;
  $("desk").hidden = false;
  try { await load(); } catch (e) { $("desk-error").textContent = e.message; }
}

$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("signin-error").textContent = "";
  try {
    const session = await api("POST", "/v1/auth/login", { email: $("email").value, password: $("password").value });
    store.setItem("edgedesk-owner-token", session.access_token);
    $("password").value = "";
    await signedIn();
  } catch (e) {
    $("signin-error").textContent = e.message;
  }
});

$("lockdown").addEventListener("change", async () => {
  const wanted = $("lockdown").checked;
  $("lockdown").disabled = true;
  try {
    const done = await api("POST", "/v1/owner/lockdown", { enabled: wanted });
    showLockdown(done.lockdown_mode);
  } catch (e) {
    showLockdown(!wanted);
    $("desk-error").textContent = e.message;
  } finally {
    $("lockdown").disabled = false;
  }
});

$("signout").addEventListener("click", async () => {
  try { await api("POST", "/v1/auth/logout"); } catch (_) { /* signed out either way */ }
  signedOut();
});

if (store.getItem("edgedesk-owner-token")) signedIn();
