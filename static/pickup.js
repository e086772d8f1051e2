// The pickup screen's clock: 24-hour, in the shop's time zone, like every other screen.
(() => {
  const clock = document.querySelector("[data-clock]");
  if (!clock) return;
  const format = new Intl.DateTimeFormat([], {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: document.body.dataset.timeZone,
  });
  const tick = () => (clock.textContent = format.format(new Date()));
  tick();
  setInterval(tick, 1000);
})();
