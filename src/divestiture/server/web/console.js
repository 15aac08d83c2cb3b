// The teacher's console: a class's tables at a glance, and every control a button.
//
// It speaks the game's JSON protocol (docs/PROTOCOL.md) over a websocket to the server
// that served it. Its secrets stay in this page's fragment (#host=...&class=...&token=...),
// which the browser never sends to a server: a reload, or a new connection after a drop,
// reads them from there. Everything a student typed (a name) is shown as text, never as
// markup.
"use strict";

(() => {
  const PROTOCOL = 1;
  const $ = (id) => document.getElementById(id);
  const PHASES = { negotiate: "negotiate", government: "government", resolve: "resolve" };

  const app = {
    ws: null,
    host: "", // the server's host token (#host=)
    code: "", // the class followed (#class=) and its token (#token=)
    token: "",
    watching: false, // a watch_class is on its way
    view: null, // the latest class_view
    cards: new Map(), // room -> {key, el}
    clocks: new Map(), // room -> {left, at, running}
    asked: new Map(), // control id -> what the status line calls it
    reports: new Map(), // debrief id -> what it is of ("class K7QM2", "table 3")
    reportUrl: "", // the latest report, as a blob: address of this page's
    retry: 0,
    serial: 0,
    tablesBefore: 0, // tables when "Add a table" was pressed (0: not pressed)
    moving: null, // {table, seat, student} while the move dialog is open
    removing: null,
  };

  // --- building elements: text is always text ---------------------------------------

  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") el.className = value;
      else if (key === "text") el.textContent = value;
      else if (key === "onclick") el.addEventListener("click", value);
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : String(child));
    }
    return el;
  }

  function button(text, label, key, onclick, cls) {
    return h("button", { type: "button", "aria-label": label, "data-key": key, class: cls, onclick }, text);
  }

  // --- the status line ------------------------------------------------------------------

  function say(text, bad = false) {
    const status = $("status");
    status.textContent = text;
    status.classList.toggle("bad", bad);
    status.classList.toggle("good", !bad);
  }

  function setConnection(text, how) {
    const el = $("connection");
    el.textContent = text;
    el.className = `connection ${how}`;
  }

  // --- the fragment: the page's only place for secrets ------------------------------------

  function readFragment() {
    const params = new URLSearchParams(location.hash.slice(1));
    app.host = params.get("host") || "";
    app.code = (params.get("class") || "").trim().toUpperCase();
    app.token = params.get("token") || "";
  }

  function writeFragment() {
    const params = new URLSearchParams();
    if (app.host) params.set("host", app.host);
    if (app.code && app.token) {
      params.set("class", app.code);
      params.set("token", app.token);
    }
    const fragment = params.toString();
    history.replaceState(null, "", location.pathname + (fragment ? `#${fragment}` : ""));
  }

  // --- the connection -----------------------------------------------------------------

  function connect() {
    setConnection("Connecting to the server…", "pending");
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}/`);
    app.ws = ws;
    ws.addEventListener("open", () => send({ type: "hello", protocol: PROTOCOL, client: "console" }));
    ws.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      handle(message);
    });
    ws.addEventListener("close", () => {
      if (app.ws !== ws) return;
      app.ws = null;
      const delay = Math.min(5000, 500 * 2 ** app.retry);
      app.retry += 1;
      setConnection(`Connection lost: trying again in ${Math.ceil(delay / 1000)} s`, "lost");
      if (app.asked.size) {
        say("The connection dropped before the server answered: look at the tables before doing that again", true);
        app.asked.clear();
      }
      setTimeout(connect, delay);
    });
  }

  function send(message) {
    if (app.ws && app.ws.readyState === WebSocket.OPEN) {
      app.ws.send(JSON.stringify(message));
      return true;
    }
    say("Not connected to the server: wait for the connection to come back, then try again", true);
    return false;
  }

  function begin() {
    if (app.code && app.token) {
      app.watching = true;
      send({ type: "watch_class", code: app.code, token: app.token });
    } else {
      showOpen(true);
    }
  }

  function handle(message) {
    switch (message.type) {
      case "welcome":
        app.retry = 0;
        setConnection(`Connected to ${location.host}`, "ok");
        begin();
        break;
      case "class_created":
        app.code = message.code;
        app.token = message.facilitator_token;
        writeFragment();
        showOpen(false);
        say(`Class ${message.code} is open with ${message.tables.length} tables: students join with the code ${message.code}`);
        break;
      case "class_view":
        if (app.watching) {
          app.watching = false;
          app.code = message.code;
          writeFragment();
          showOpen(false);
        }
        showClass(message);
        break;
      case "classes":
        listClasses(message.classes);
        break;
      case "control_done":
        done(message);
        break;
      case "debrief_report":
        showReport(message);
        break;
      case "error":
        refused(message);
        break;
      default:
        break; // views of single rooms, timers, presence: not for the console
    }
  }

  function refused(message) {
    if (message.code === "not_host") {
      $("host-hint").hidden = false;
      say(`The server refused: ${message.message}. Open the console from the address divest serve printed (it ends in #host=…).`, true);
      return;
    }
    if (app.watching && ["bad_token", "unknown_class", "bad_message"].includes(message.code)) {
      app.watching = false;
      const code = app.code;
      app.code = "";
      app.token = "";
      writeFragment();
      showOpen(true);
      $("watch-code").value = code;
      say(`Could not open class ${code}: ${message.message}. Type its facilitator token below.`, true);
      $("watch-token").focus();
      return;
    }
    say(`Refused (${message.code}): ${message.message}`, true);
  }

  // --- opening a class ------------------------------------------------------------------

  function showOpen(open) {
    $("open-panel").hidden = !open;
    $("show-open").setAttribute("aria-expanded", String(open));
    $("show-open").textContent = open && app.view ? "Back to the class" : "Open another class";
    $("show-open").hidden = !app.view && open;
    if (open) {
      $("host-hint").hidden = Boolean(app.host);
      if (app.host) send({ type: "list_classes", host_token: app.host }); // only the host lists them
    }
  }

  function minutes(id) {
    const text = $(id).value.trim();
    if (!text) return null;
    return Math.min(3600, Math.max(1, Math.round(Number(text) * 60)));
  }

  $("open-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const tables = Number($("open-tables").value);
    const room = { phase_seconds: {} };
    for (const phase of Object.keys(PHASES)) {
      const seconds = minutes(`open-${phase}`);
      if (seconds !== null) room.phase_seconds[phase] = seconds;
    }
    if ($("open-lock").checked) room.lock_seats_after_first_round = true;
    if (send({ type: "create_class", host_token: app.host || null, options: { tables, room } })) {
      say(`Opening a class of ${tables} tables…`);
    }
  });

  $("watch-form").addEventListener("submit", (event) => {
    event.preventDefault();
    app.code = $("watch-code").value.trim().toUpperCase();
    app.token = $("watch-token").value.trim();
    $("watch-token").value = "";
    app.watching = true;
    send({ type: "watch_class", code: app.code, token: app.token });
  });

  function listClasses(classes) {
    const list = $("class-list");
    list.replaceChildren();
    if (!classes.length) {
      list.append(h("li", { text: "None yet." }));
      return;
    }
    for (const klass of [...classes].reverse()) {
      const opened = new Date(klass.created * 1000);
      const when = opened.toLocaleString([], { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
      list.append(
        h(
          "li",
          {},
          h("span", { class: "code", text: klass.code }),
          ` ${klass.tables} table${klass.tables === 1 ? "" : "s"}, opened ${when} `,
          button("Open", `Open class ${klass.code}`, `open:${klass.code}`, () => openListed(klass.code)),
        ),
      );
    }
  }

  function openListed(code) {
    if (!app.host) {
      $("watch-code").value = code;
      say(`Type the facilitator token of class ${code} to open it.`);
      $("watch-token").focus();
      return;
    }
    app.code = code;
    app.token = app.host;
    app.watching = true;
    send({ type: "watch_class", code, token: app.host });
  }

  $("show-open").addEventListener("click", () => showOpen($("open-panel").hidden));

  $("add-table").addEventListener("click", () => {
    if (send({ type: "add_table" })) {
      app.tablesBefore = app.view ? app.view.tables.length : 0;
      say("Opening one more table…");
    }
  });

  // --- the class --------------------------------------------------------------------------

  function tableName(room) {
    const table = app.view && app.view.tables.find((t) => t.room === room);
    return table ? `table ${table.n} (${room})` : `table ${room}`;
  }

  function showClass(view) {
    if (app.view && app.view.code !== view.code) {
      app.cards.clear();
      $("tables").replaceChildren();
    }
    const added = app.tablesBefore && view.tables.length > app.tablesBefore;
    app.view = view;
    $("class-panel").hidden = false;
    $("title-class").textContent = `class ${view.code}`;
    document.title = `Class ${view.code}: Divestiture console`;
    const projector = $("projector");
    projector.href = `/join/${encodeURIComponent(view.code)}`;
    projector.hidden = false;
    $("add-table").hidden = false;
    $("debrief").hidden = false;
    $("show-open").hidden = false;
    $("summary").textContent = summary(view);
    $("broken").hidden = !view.broken.length;
    $("broken").textContent = view.broken.length
      ? `Tables that could not be loaded on this server (its log says why): ${view.broken.join(", ")}`
      : "";
    fillTargets(view);
    fillNews();
    for (const table of view.tables) {
      app.clocks.set(table.room, {
        left: table.seconds_left,
        at: performance.now(),
        running: table.timer_running && table.started && !table.paused && !table.over,
      });
      showTable(table);
    }
    for (const [room, card] of app.cards) {
      if (!view.tables.some((t) => t.room === room)) {
        card.el.remove();
        app.cards.delete(room);
      }
    }
    if (added) {
      const table = view.tables[view.tables.length - 1];
      app.tablesBefore = 0;
      say(`Table ${table.n} (${table.room}) is open`);
    }
  }

  function summary(view) {
    const tables = view.tables;
    const count = (test) => tables.filter(test).length;
    const states = [
      [count((t) => t.started && !t.paused && !t.over), "in play"],
      [count((t) => t.paused && !t.over), "paused"],
      [count((t) => !t.started && !t.over), "waiting for the start"],
      [count((t) => t.over), "over"],
    ]
      .filter(([n]) => n)
      .map(([n, what]) => `${n} ${what}`);
    const seats = tables.flatMap((t) => t.seats);
    const students = seats.flatMap((s) => s.students);
    const here = students.filter((s) => s.connected).length;
    const bots = seats.filter((s) => s.bot).length;
    const locked = count((t) => t.seats_locked);
    const seatsText = locked === 0 ? "seats open" : locked === tables.length ? "seats closed" : `seats closed at ${locked}`;
    return [
      `Class ${view.code}: ${tables.length} table${tables.length === 1 ? "" : "s"} (${states.join(", ") || "none"})`,
      `${students.length} student${students.length === 1 ? "" : "s"} (${here} here, ${students.length - here} away)`,
      `${bots} seat${bots === 1 ? "" : "s"} played by bots`,
      seatsText,
    ].join(" · ");
  }

  function fillTargets(view) {
    const select = $("target");
    const chosen = select.value;
    const options = [h("option", { value: "" }, `every table (${view.tables.length})`)];
    for (const t of view.tables) options.push(h("option", { value: t.room }, `table ${t.n} (${t.room})`));
    const same =
      select.options.length === options.length &&
      options.every((o, i) => select.options[i].value === o.value && select.options[i].text === o.text);
    if (!same) {
      select.replaceChildren(...options);
      select.value = view.tables.some((t) => t.room === chosen) ? chosen : "";
    }
  }

  function targets() {
    const room = $("target").value;
    return room ? [room] : [];
  }

  function targetWords() {
    const room = $("target").value;
    return room ? tableName(room) : "every table";
  }

  function cardName(id) {
    return id.replaceAll("_", " ");
  }

  function fillNews() {
    const select = $("news-card");
    const chosen = select.value;
    const room = $("target").value;
    const tables = app.view.tables.filter((t) => !room || t.room === room);
    const cards = room ? tables[0].news : [...new Set(tables.flatMap((t) => t.news))].sort();
    const options = [h("option", { value: "" }, room ? `the next card (${cards.length ? cardName(cards[0]) : "the deck is empty"})` : "the next card at each table")];
    for (const card of cards) options.push(h("option", { value: card }, cardName(card)));
    select.replaceChildren(...options);
    select.value = cards.includes(chosen) ? chosen : "";
  }

  $("target").addEventListener("change", fillNews);

  // --- one table's card -------------------------------------------------------------------

  function showTable(table) {
    const key = JSON.stringify({ ...table, seconds_left: null });
    const known = app.cards.get(table.room);
    if (known && known.key === key) return;
    const el = tableCard(table);
    const grid = $("tables");
    if (known) {
      const focused = known.el.contains(document.activeElement) ? document.activeElement.dataset.key : null;
      known.el.replaceWith(el);
      if (focused) {
        const again = el.querySelector(`[data-key="${CSS.escape(focused)}"]`);
        if (again) again.focus();
      }
    } else {
      grid.append(el);
    }
    app.cards.set(table.room, { key, el });
  }

  function stateOf(t) {
    if (t.over) return ["over", "Over"];
    if (t.paused) return ["paused", "Paused"];
    if (t.started) return ["play", "In play"];
    return ["waiting", "Waiting for the start"];
  }

  function tableCard(t) {
    const [state, stateText] = stateOf(t);
    const id = `table-${t.room}`;
    return h(
      "article",
      { class: `table ${state}`, "data-room": t.room, "aria-labelledby": id },
      h(
        "header",
        { class: "table-head" },
        h("h3", { id }, `Table ${t.n} `, h("span", { class: "room", text: t.room })),
        h("span", { class: `badge ${state}`, text: stateText }),
      ),
      h(
        "p",
        { class: "when" },
        h("strong", { text: t.day }),
        ` (day ${t.round} of ${t.deadline}) · `,
        t.over
          ? h("span", { class: "phase", text: "game over" })
          : [
              h("span", { class: "phase", text: PHASES[t.phase] || t.phase }),
              " · ",
              h("span", { class: "clock", "data-room": t.room, text: clockText(t.room) }),
              t.seats_locked ? h("span", { class: "locked", text: " · seats closed" }) : null,
            ],
      ),
      t.over ? h("p", { class: "outcome" }, "Outcome: ", h("strong", { text: t.outcome || "none" })) : null,
      h("ul", { class: "seats", "aria-label": `Seats at table ${t.n}` }, t.seats.map((s) => seatItem(t, s))),
      deals(t),
      t.last.length
        ? h("ol", { class: "last", "aria-label": `Latest at table ${t.n}` }, t.last.slice(-2).map((line) => h("li", { text: line })))
        : null,
      tableActions(t),
    );
  }

  function seatItem(t, s) {
    const where = `${s.name} at table ${t.n}`;
    const seatKey = `${t.room}:${s.seat}:bot`;
    let action = null;
    if (!t.over && s.bot) {
      action = button("Hand back", `Hand ${where} back from its bot`, seatKey, () =>
        control(`${where} handed back from its bot`, { do: "release", seat: s.seat }, [t.room]),
      );
    } else if (!t.over) {
      action = button("Bot plays", `A bot plays ${where}`, seatKey, () =>
        control(`A bot plays ${where}`, { do: "bot", seat: s.seat, bot: { difficulty: $("bot-level").value } }, [t.room]),
      );
    }
    let who = null;
    if (s.bot) who = h("span", { class: "bot", text: s.bot === "bot" ? "Bot" : `Bot: ${s.bot}` });
    else if (!s.students.length) who = h("span", { class: "empty", text: "nobody yet" });
    return h(
      "li",
      { class: `seat${s.to_act ? " to-act" : ""}`, "data-seat": s.seat },
      h(
        "div",
        { class: "seat-head" },
        h("span", { class: "seat-name", text: s.name }),
        who,
        s.to_act ? h("span", { class: "marker", text: "to act" }) : null,
        h("span", { class: "spacer" }),
        s.score !== null ? h("span", { class: "score", text: `score ${s.score.toFixed(1)}` }) : null,
        action,
      ),
      s.students.length ? h("ul", { class: "students" }, s.students.map((st) => studentItem(t, s, st))) : null,
    );
  }

  function studentItem(t, s, st) {
    const key = `${t.room}:${s.seat}:${st.name}`;
    return h(
      "li",
      { class: st.connected ? "here" : "away" },
      h("span", { class: "name", text: st.name }),
      h("span", { class: "presence", text: st.connected ? "here" : "away" }),
      st.address ? h("span", { class: "address", text: st.address }) : null,
      h(
        "span",
        { class: "student-actions" },
        button("Move…", `Move ${st.name} (${s.name}, table ${t.n})`, `${key}:move`, () => openMove(t, s, st)),
        button("Remove…", `Remove ${st.name} from ${s.name} at table ${t.n}`, `${key}:remove`, () => openRemove(t, s, st), "danger"),
      ),
    );
  }

  function deals(t) {
    if (!t.deals.length) return null;
    return h(
      "section",
      { class: "deals", "aria-label": `Deals at table ${t.n}` },
      h(
        "ul",
        {},
        t.deals.map((d) =>
          h(
            "li",
            { class: `deal ${d.status}` },
            h("span", { class: "deal-head" }, h("strong", { text: `${d.id} ${d.status}` }), ` · ${d.parties.join(", ")}`),
            d.signed_by.length && d.status === "open" ? ` · signed by ${d.signed_by.join(", ")}` : null,
            h("span", { class: "terms", text: d.terms }),
          ),
        ),
      ),
    );
  }

  function tableActions(t) {
    const where = `table ${t.n}`;
    const tables = [t.room];
    const out = [];
    if (!t.over) {
      if (!t.started) {
        out.push(
          button("Start", `Start ${where}`, `${t.room}:play`, () => control(`Start ${where}`, startOrder(), tables), "primary"),
        );
      } else if (t.paused) {
        out.push(button("Resume", `Resume ${where}`, `${t.room}:play`, () => control(`Resume ${where}`, { do: "resume" }, tables), "primary"));
      } else {
        out.push(button("Pause", `Pause ${where}`, `${t.room}:play`, () => control(`Pause ${where}`, { do: "pause" }, tables)));
      }
      if (t.started) {
        out.push(button("End phase", `End the phase at ${where}`, `${t.room}:end`, () => control(`End the phase at ${where}`, { do: "end_phase" }, tables)));
      }
    }
    if (!t.over) {
      const locked = t.seats_locked;
      out.push(
        button(locked ? "Open seats" : "Close seats", `${locked ? "Open" : "Close"} the seats at ${where}`, `${t.room}:seats`, () =>
          control(`${locked ? "Open" : "Close"} the seats at ${where}`, { do: "lock_seats", locked: !locked }, tables),
        ),
      );
    }
    out.push(button("Debrief", `The debrief of ${where}`, `${t.room}:debrief`, () => debrief([t.room], where)));
    return h("div", { class: "table-actions" }, out);
  }

  // --- the clocks count down between two views -------------------------------------------

  function clockText(room) {
    const clock = app.clocks.get(room);
    if (!clock || clock.left === null || clock.left === undefined) return "no timer";
    let left = clock.left;
    if (clock.running) left = Math.max(0, left - (performance.now() - clock.at) / 1000);
    const s = Math.ceil(left);
    const text = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
    return clock.running ? `${text} left` : `${text}, clock stopped`;
  }

  setInterval(() => {
    for (const el of document.querySelectorAll(".clock[data-room]")) {
      const text = clockText(el.dataset.room);
      if (el.textContent !== text) el.textContent = text;
    }
  }, 250);

  // --- the controls -----------------------------------------------------------------------

  function control(label, order, tables) {
    app.serial += 1;
    const id = `console-${app.serial}-${Date.now().toString(36)}`;
    if (send({ type: "control", id, control: order, tables })) {
      app.asked.set(id, label);
      say(`${label}…`);
    }
  }

  function done(message) {
    const label = app.asked.get(message.id) || "Done";
    app.asked.delete(message.id);
    const results = Object.entries(message.results);
    const good = results.filter(([, r]) => r === "ok");
    const bad = results.filter(([, r]) => r !== "ok");
    if (!bad.length) {
      const where = results.length === 1 ? tableName(results[0][0]) : `all ${results.length} tables`;
      say(`${label}: done at ${where}`);
      return;
    }
    const refusals = bad.map(([room, why]) => `${tableName(room)} refused: ${why}`);
    const rest = good.length ? [`done at ${good.length} other table${good.length === 1 ? "" : "s"}`] : [];
    say(`${label}: ${[...refusals, ...rest].join("; ")}`, true);
  }

  // --- the debrief report: drawn by the server, opened from here ---------------------------

  function debrief(tables, label) {
    app.serial += 1;
    const id = `debrief-${app.serial}-${Date.now().toString(36)}`;
    if (send({ type: "debrief", id, tables })) {
      app.reports.set(id, label);
      say(`Drawing the debrief of ${label}: it takes a few seconds…`);
    }
  }

  // The report arrives as one HTML page; it opens from a link (a tab opened by the page
  // itself, seconds after the click, would be taken for a pop-up).
  function showReport(message) {
    const label = app.reports.get(message.id) || "the class";
    app.reports.delete(message.id);
    if (app.reportUrl) URL.revokeObjectURL(app.reportUrl);
    app.reportUrl = URL.createObjectURL(new Blob([message.html], { type: "text/html" }));
    $("report-title").textContent = `The debrief of ${label}:`;
    $("report-open").href = app.reportUrl;
    $("report-save").href = app.reportUrl;
    $("report-save").download = message.file_name;
    $("report").hidden = false;
    say(`The debrief of ${label} is ready: open it below, or save it to print or share`);
    $("report-open").focus();
  }

  $("debrief").addEventListener("click", () => debrief([], `class ${app.code}`));

  function startOrder() {
    return { do: "start", bots_for_empty_seats: $("bots-at-start").checked };
  }

  const ORDERS = {
    start: ["Start", startOrder],
    pause: ["Pause", () => ({ do: "pause" })],
    resume: ["Resume", () => ({ do: "resume" })],
    end_phase: ["End the phase", () => ({ do: "end_phase" })],
    lock: ["Close the seats", () => ({ do: "lock_seats", locked: true })],
    unlock: ["Open the seats", () => ({ do: "lock_seats", locked: false })],
  };

  for (const el of document.querySelectorAll("[data-order]")) {
    el.addEventListener("click", () => {
      const [label, order] = ORDERS[el.dataset.order];
      control(`${label} at ${targetWords()}`, order(), targets());
    });
  }

  $("announce-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("announce-text").value.trim();
    if (!text) return;
    control(`Announce “${text}” at ${targetWords()}`, { do: "announce", text }, targets());
    $("announce-text").value = "";
  });

  $("timer-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const phase = $("timer-phase").value;
    const seconds = minutes("timer-minutes");
    if (seconds === null) return;
    control(`The ${phase} timer set to ${$("timer-minutes").value} min at ${targetWords()}`, { do: "timer", phase, seconds }, targets());
  });

  $("timer-off").addEventListener("click", () => {
    const phase = $("timer-phase").value;
    control(`No timer for ${phase} at ${targetWords()}`, { do: "timer", phase, seconds: null }, targets());
  });

  $("news-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const card = $("news-card").value;
    const order = card ? { do: "news", card } : { do: "news" };
    control(`News: ${card ? cardName(card) : "the next card"} at ${targetWords()}`, order, targets());
  });

  // --- moving and removing a student ------------------------------------------------------

  function openMove(t, s, st) {
    app.moving = { room: t.room, seat: s.seat, name: st.name };
    $("move-who").textContent = `${st.name}, now ${s.name} at table ${t.n}`;
    const tables = $("move-table");
    tables.replaceChildren(...app.view.tables.map((x) => h("option", { value: x.room }, `table ${x.n} (${x.room})`)));
    tables.value = t.room;
    fillMoveSeats();
    $("move-dialog").showModal();
    $("move-seat").focus();
  }

  function fillMoveSeats() {
    const table = app.view.tables.find((x) => x.room === $("move-table").value);
    if (!table) return;
    $("move-seat").replaceChildren(
      ...table.seats
        .filter((s) => !(table.room === app.moving.room && s.seat === app.moving.seat))
        .map((s) => {
          const who = s.students.map((st) => st.name).join(", ") || (s.bot ? "a bot" : "nobody");
          return h("option", { value: s.seat }, `${s.name} (${who})`);
        }),
    );
  }

  $("move-table").addEventListener("change", fillMoveSeats);

  $("move-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const move = app.moving;
    const toRoom = $("move-table").value;
    const toSeat = $("move-seat").value;
    $("move-dialog").close();
    if (!move || !toSeat) return;
    const order = { do: "move", seat: move.seat, name: move.name, to_seat: toSeat };
    if (toRoom !== move.room) order.to_room = toRoom;
    control(`Move ${move.name} to ${$("move-seat").selectedOptions[0].text.split(" (")[0]} at ${tableName(toRoom)}`, order, [move.room]);
  });

  function openRemove(t, s, st) {
    app.removing = { room: t.room, seat: s.seat, name: st.name };
    $("remove-who").textContent = `Take ${st.name} out of ${s.name} at table ${t.n}?`;
    $("remove-form").querySelector("button[type=submit]").textContent = `Remove ${st.name}`;
    $("remove-dialog").showModal();
    $("remove-dialog").querySelector(".cancel").focus();
  }

  $("remove-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const who = app.removing;
    $("remove-dialog").close();
    if (!who) return;
    control(`Remove ${who.name} from ${tableName(who.room)}`, { do: "remove", seat: who.seat, name: who.name }, [who.room]);
  });

  for (const dialog of document.querySelectorAll("dialog")) {
    dialog.querySelector(".cancel").addEventListener("click", () => dialog.close());
  }

  // --- off we go ----------------------------------------------------------------------------

  window.addEventListener("hashchange", () => {
    readFragment();
    if (app.ws && app.ws.readyState === WebSocket.OPEN) begin();
  });

  readFragment();
  connect();
})();
