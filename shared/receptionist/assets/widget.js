// Edgedesk chat widget. Embed with:
//   <script src="https://YOUR-HOST/v1/widget/widget.js" data-business="demo-salon" defer></script>
// or data-token="<widget token>". It talks only to the host it was loaded from.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var api = new URL(script.src).origin;
  var business = script.getAttribute("data-business");
  var token = script.getAttribute("data-token");
  var title = script.getAttribute("data-title") || "Book with us";
  var session = null;
  var busy = false;
  var seq = 0;

  function el(tag, css, text) {
    var e = document.createElement(tag);
    if (css) e.style.cssText = css;
    if (text != null) e.textContent = text;
    return e;
  }

  var panel = el("section", "position:fixed;right:16px;bottom:16px;width:320px;max-height:480px;display:flex;flex-direction:column;" +
    "font:14px/1.4 system-ui,sans-serif;background:#fff;border:1px solid #ccd;border-radius:12px;box-shadow:0 4px 18px rgba(0,0,0,.15);z-index:2147483000");
  panel.setAttribute("aria-label", title);
  panel.id = "edgedesk-chat";
  var head = el("header", "padding:10px 14px;background:#2b4c7e;color:#fff;border-radius:12px 12px 0 0;font-weight:600", title);
  var log = el("div", "flex:1;overflow-y:auto;padding:10px;min-height:160px");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.id = "edgedesk-log";
  var chips = el("div", "display:flex;flex-wrap:wrap;gap:6px;padding:0 10px 6px");
  chips.id = "edgedesk-suggestions";
  var form = el("form", "display:flex;border-top:1px solid #eef;padding:8px;gap:6px");
  var input = el("input", "flex:1;padding:7px 9px;border:1px solid #ccd;border-radius:8px");
  input.id = "edgedesk-input";
  input.setAttribute("aria-label", "Your message");
  input.setAttribute("autocomplete", "off");
  input.maxLength = 1000;
  var send = el("button", "padding:7px 12px;border:0;border-radius:8px;background:#2b4c7e;color:#fff;cursor:pointer", "Send");
  send.type = "submit";
  send.id = "edgedesk-send";
  form.appendChild(input);
  form.appendChild(send);
  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(chips);
  panel.appendChild(form);

  function say(who, text) {
    var mine = who === "you";
    var line = el("p", "margin:6px 0;padding:7px 10px;border-radius:10px;max-width:85%;white-space:pre-wrap;" +
      (mine ? "margin-left:auto;background:#2b4c7e;color:#fff" : "background:#f0f2f7;color:#123"), text);
    line.className = mine ? "edgedesk-you" : "edgedesk-assistant";
    log.appendChild(line);
    log.scrollTop = log.scrollHeight;
  }

  function suggest(list) {
    chips.textContent = "";
    (list || []).forEach(function (s) {
      var b = el("button", "padding:4px 9px;border:1px solid #2b4c7e;border-radius:14px;background:#fff;color:#2b4c7e;cursor:pointer", s);
      b.type = "button";
      b.className = "edgedesk-suggestion";
      b.addEventListener("click", function () { post(s); });
      chips.appendChild(b);
    });
  }

  function headers() {
    var h = { "Content-Type": "application/json" };
    if (token) h["X-Widget-Token"] = token; else if (business) h["X-Business-ID"] = business;
    return h;
  }

  function call(path, body) {
    return fetch(api + path, { method: "POST", headers: headers(), body: JSON.stringify(body) })
      .then(function (r) {
        return r.json().then(function (j) {
          if (!r.ok) {
            var e = new Error((j && j.error && j.error.message) || ("HTTP " + r.status));
            e.status = r.status;
            throw e;
          }
          return j;
        });
      });
  }

  function answer(j) {
    session = j.session_id;
    say("assistant", j.reply);
    suggest(j.ended ? [] : j.suggestions);
    panel.setAttribute("data-session", session);
    if (j.written) panel.setAttribute("data-last-" + j.written.kind, j.written.id);
  }

  function fail(e) {
    // 423: the business has stopped its assistant; say so plainly.
    say("assistant", e.status === 423 ? e.message + "." : "Sorry, something went wrong: " + e.message);
  }

  function post(text) {
    text = (text || "").trim();
    if (!text || busy || !session) return;
    busy = true;
    send.disabled = true;
    say("you", text);
    suggest([]);
    seq += 1;
    // The message id makes a resend after a lost answer safe.
    call("/v1/widget/message", { session_id: session, text: text, message_id: session + "-" + seq })
      .then(answer, fail)
      .then(function () { busy = false; send.disabled = false; input.focus(); });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = "";
    post(text);
  });

  function start() {
    document.body.appendChild(panel);
    call("/v1/widget/session", {}).then(answer, fail);
  }
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
