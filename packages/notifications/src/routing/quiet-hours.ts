/**
 * Quiet hours in a time zone (R5.2 preferences). `start`/`end` are local "HH:MM"; the window is
 * `start ≤ t < end`, wrapping midnight when end ≤ start (22:00–07:00). Returns the epoch ms at which
 * the quiet hours end, or undefined when `nowMs` is not inside them. Around a DST change the end can
 * be off by the shift (at most an hour); a held message is then sent that much early or late.
 */
export function quietHoursEndMs(
  quiet: { start: string; end: string; timeZone: string },
  nowMs: number,
): number | undefined {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return undefined;
  const local = localMinutes(nowMs, quiet.timeZone);
  const inside =
    start < end ? local.minutes >= start && local.minutes < end : local.minutes >= start || local.minutes < end;
  if (!inside) return undefined;
  const minutesLeft = (end - local.minutes + 1_440) % 1_440;
  return nowMs - local.secondsMs + minutesLeft * 60_000;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** Local minutes since midnight, and the ms past the current minute, of `nowMs` in `timeZone`. */
function localMinutes(nowMs: number, timeZone: string): { minutes: number; secondsMs: number } {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, format);
  }
  const parts = format.formatToParts(nowMs);
  const hour = Number(parts.find((part) => part.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((part) => part.type === 'minute')?.value ?? 0);
  return { minutes: hour * 60 + minute, secondsMs: ((nowMs % 60_000) + 60_000) % 60_000 };
}
