// The order board's behaviour in the browser: aging timers, the offline banner, the
// arrival chime, toasts, the undo of the last move and the bump-bar keys. The board works without it (plain
// forms, reload to refresh); this makes it live and glanceable.
(() => {
  const body = document.body;
  const rules = {
    amberBefore: Number(body.dataset.amberBefore),
    amberWaiting: Number(body.dataset.amberWaiting),
    redWaiting: Number(body.dataset.redWaiting),
  };
  const heartbeatMs = Number(body.dataset.heartbeatMs || 5000);
  const $ = (selector) => document.querySelector(selector);
  const MINUTE = 60000;

  // Aging: the same rules as the server's first render, applied every second.
  function age() {
    const now = Date.now();
    for (const ticket of document.querySelectorAll(".ticket")) {
      const status = ticket.dataset.status;
      const toPickup = (Date.parse(ticket.dataset.pickupAt) - now) / MINUTE;
      const waiting = status === "placed" ? (now - Date.parse(ticket.dataset.since)) / MINUTE : 0;
      let tone = "ok";
      if (status === "placed" || status === "baking") {
        if (toPickup <= 0 || waiting >= rules.redWaiting) tone = "red";
        else if (toPickup <= rules.amberBefore || waiting >= rules.amberWaiting) tone = "amber";
      }
      ticket.classList.remove("tone-ok", "tone-amber", "tone-red");
      ticket.classList.add(`tone-${tone}`);
      const minutes = Math.round(toPickup);
      const label = minutes === 0
        ? "due now"
        : minutes > 0
        ? `in ${minutes} min`
        : `${-minutes} min late`;
      const waited = status === "placed" ? ` · waiting ${Math.floor(waiting)} min` : "";
      const el = ticket.querySelector("[data-age]");
      if (el) {
        // The waiting time in its own element: the compact layout leaves it to the colour.
        el.textContent = label;
        if (waited) {
          const span = document.createElement("span");
          span.className = "ticket-waited";
          span.textContent = waited;
          el.append(span);
        }
      }
    }
    // An upcoming order moves to New when its preparation is due: ask for the board then.
    const due = [...document.querySelectorAll("#col-upcoming [data-starts-at]")]
      .some((item) => Date.parse(item.dataset.startsAt) <= now);
    // At the shop's midnight the next day's orders become today's.
    const dayEndsAt = Date.parse($("#board-state")?.dataset.dayEndsAt ?? "");
    if ((due || dayEndsAt <= now) && now - lastRefresh > 10000) refresh();
    const clock = $("[data-clock]");
    if (clock) {
      // 24-hour like every other screen, whatever the device's locale prefers.
      clock.textContent = new Date().toLocaleTimeString([], {
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
        timeZone: body.dataset.timeZone,
      });
    }
  }
  let lastRefresh = 0;
  function refresh() {
    lastRefresh = Date.now();
    htmx.ajax("GET", "/board/state", { target: "#board-state", swap: "outerHTML" });
  }
  setInterval(age, 1000);
  age();

  // Offline banner: shown as soon as the stream drops or goes silent, cleared when it is back.
  const stream = $("#board-stream");
  const offline = $("#board-offline");
  let lastSign = Date.now();
  const setOnline = (online) => {
    if (offline) offline.hidden = online;
  };
  const alive = () => {
    lastSign = Date.now();
    setOnline(true);
  };
  setInterval(() => {
    if (Date.now() - lastSign > heartbeatMs * 2.5) setOnline(false);
  }, 1000);
  stream?.addEventListener("htmx:sse:after:connection", alive);
  stream?.addEventListener("heartbeat", alive);
  stream?.addEventListener("catch-up", alive);
  for (const name of ["htmx:sse:error", "htmx:sse:close"]) {
    stream?.addEventListener(name, () => setOnline(false));
  }

  // Events: never apply an older state over a newer one; chime for new orders.
  let newest = Number(
    new URL(stream?.getAttribute("hx-sse:connect") ?? "", location.href)
      .searchParams.get("after") || 0,
  );
  stream?.addEventListener("htmx:sse:before:message", (event) => {
    alive();
    const message = event.detail.message;
    const id = Number(message.id || 0);
    if (message.data && id && id < newest) {
      // Published out of order by two instances: fetch the board as it is now instead.
      event.detail.cancelled = true;
      refresh();
      return;
    }
    if (id > newest) newest = id;
    // One event can carry several new orders (a rush is sent as one board).
    const codes = [...(message.data || "").matchAll(/<!--arrival:([A-Z]-\d+)-->/g)].map((m) =>
      m[1]
    );
    if (codes.length) announce(codes.join(", "));
  });
  stream?.addEventListener("session-ended", () => location.reload());

  // Sound: browsers only allow it after a tap, so a new kiosk starts silent; the choice is
  // remembered on this device. The button says what a tap does.
  const toggle = $("#sound-toggle");
  let audio;
  let soundOn = localStorage.getItem("crumb.board.sound") === "on";
  const showSound = () => {
    if (!toggle) return;
    toggle.dataset.sound = soundOn ? "on" : "off";
    toggle.textContent = soundOn ? "Turn sound off" : "Turn sound on";
  };
  toggle?.addEventListener("click", () => {
    soundOn = !soundOn;
    localStorage.setItem("crumb.board.sound", soundOn ? "on" : "off");
    audio ??= new AudioContext();
    audio.resume();
    showSound();
  });
  showSound();

  function chime() {
    if (!soundOn) return;
    audio ??= new AudioContext();
    const start = audio.currentTime;
    for (const [offset, frequency] of [[0, 880], [0.18, 1320]]) {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.3, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.35);
      tone.connect(gain).connect(audio.destination);
      tone.start(start + offset);
      tone.stop(start + offset + 0.4);
    }
  }

  function announce(code) {
    chime();
    body.classList.remove("arrival");
    void body.offsetWidth; // restart the flash animation
    body.classList.add("arrival");
    toast(`New order ${code}`);
  }

  // Toasts: a message for five seconds, laid over the board's foot.
  const toastEl = $("#board-toast");
  let toastTimer;
  function toast(text) {
    if (!toastEl) return;
    toastEl.querySelector("[data-toast-text]").textContent = text;
    toastEl.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (toastEl.hidden = true), 5000);
  }
  const labels = {
    placed: "New",
    baking: "Baking",
    ready: "Ready",
    picked_up: "Picked up",
    cancelled: "Cancelled",
  };
  const order = Object.keys(labels);

  // Undo: the last move of this screen can be taken back until the next move replaces it.
  // The same form works without JavaScript (the server renders it after a plain post).
  const undoForm = $("#board-undo");
  const undo = () => {
    if (!undoForm || undoForm.hidden) return;
    undoForm.hidden = true;
    htmx.ajax("POST", undoForm.getAttribute("action"), {
      values: { from: undoForm.querySelector("[data-undo-from]").value },
      swap: "none",
    });
  };
  undoForm?.addEventListener("submit", (event) => {
    event.preventDefault();
    undo();
  });
  document.addEventListener("board-moved", (event) => {
    const { id, code, from, to } = event.detail;
    const forward = order.indexOf(to) > order.indexOf(from);
    if (!undoForm || !forward || to === "cancelled") {
      // A step back or a cancellation (asked first) is not undone here.
      if (undoForm) undoForm.hidden = true;
      toast(`${code} → ${labels[to]}`);
      return;
    }
    undoForm.setAttribute("action", `/board/orders/${id}/undo`);
    undoForm.querySelector("[data-undo-from]").value = to;
    undoForm.querySelector("[data-undo-text]").textContent = `${code} moved to ${labels[to]}.`;
    undoForm.querySelector("[data-undo-code]").textContent = code;
    undoForm.hidden = false;
  });
  document.addEventListener("board-notice", (event) => toast(event.detail.message));

  // Bump bar: arrows choose, Enter/Space bump, U undoes, digits jump.
  const tickets = () =>
    [...document.querySelectorAll(".ticket")]
      .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index));
  document.addEventListener("keydown", (event) => {
    if (event.target.closest?.("input, select, textarea, summary")) return;
    const list = tickets();
    const current = document.activeElement?.closest?.(".ticket");
    const at = current ? list.indexOf(current) : -1;
    if (["ArrowRight", "ArrowDown", "ArrowLeft", "ArrowUp"].includes(event.key)) {
      const step = event.key === "ArrowRight" || event.key === "ArrowDown" ? 1 : -1;
      list[Math.max(0, Math.min(list.length - 1, at + step))]?.focus();
      event.preventDefault();
    } else if (
      (event.key === "Enter" || event.key === " ") && current && event.target === current
    ) {
      current.querySelector("[data-bump]")?.click();
      event.preventDefault();
    } else if (event.key === "u" || event.key === "U") {
      undo();
    } else if (/^[1-9]$/.test(event.key)) {
      list[Number(event.key) - 1]?.focus();
    }
  });
})();
