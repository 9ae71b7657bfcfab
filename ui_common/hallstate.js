// The hall as the server last described it (GET /hall, or `snapshot.hall`), kept current
// by the events that follow. Lobby, window screen, counter terminal and console all read it.
export function createHall() {
  const hall = { hall: {}, windows: [], queues: [], alarms: [], recent_calls: [] };

  function reset(body) {
    Object.assign(hall, { hall: {}, windows: [], queues: [], alarms: [], recent_calls: [] }, body || {});
  }

  function upsert(list, key, item) {
    const i = list.findIndex((x) => x[key] === item[key]);
    if (i >= 0) list[i] = { ...list[i], ...item };
    else list.push(item);
  }

  const apply = {
    "window.updated": (w) => upsert(hall.windows, "number", w),
    "queue.updated": (q) => upsert(hall.queues, "category", q),
    "ticket.called": (call) => {
      hall.recent_calls = [call, ...hall.recent_calls].slice(0, 20);
    },
    alarm: (alarm) => {
      if (alarm.acknowledged || alarm.cleared) hall.alarms = hall.alarms.filter((a) => a.id !== alarm.id);
      else upsert(hall.alarms, "id", alarm);
    },
  };

  return { hall, reset, apply };
}

export function ticketNumber(ticket) {
  return typeof ticket === "string" ? ticket : ticket?.number;
}
