/**
 * C's ctime(3) text without the newline, `Thu Nov  5 09:03:07 2026`: the form Pacemaker and
 * Corosync print dates in (cib-last-written, crm_mon's "Last updated", last-rc-change, ...).
 * Pure: the caller passes the instant. Local time unless `utc` is set (the controller's core
 * uses UTC so that its output does not depend on the process's time zone).
 */
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;
const MONTHS = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
] as const;

export interface CtimeOptions {
  readonly utc?: boolean;
}

/** @example ctimeText(new Date(2026, 10, 5, 9, 3, 7)) === "Thu Nov  5 09:03:07 2026" */
export function ctimeText(when: Date, opts: CtimeOptions = {}): string {
  const u = opts.utc === true;
  const two = (n: number): string => String(n).padStart(2, "0");
  const date = u ? when.getUTCDate() : when.getDate();
  const day = String(date).padStart(2, " ");
  const time = u
    ? `${two(when.getUTCHours())}:${two(when.getUTCMinutes())}:${two(when.getUTCSeconds())}`
    : `${two(when.getHours())}:${two(when.getMinutes())}:${two(when.getSeconds())}`;
  const weekday = DAYS[u ? when.getUTCDay() : when.getDay()];
  const month = MONTHS[u ? when.getUTCMonth() : when.getMonth()];
  const year = u ? when.getUTCFullYear() : when.getFullYear();
  return `${weekday} ${month} ${day} ${time} ${year}`;
}

/** ctimeText of a Unix time in seconds. */
export function ctimeOfEpoch(epochS: number, opts: CtimeOptions = {}): string {
  return ctimeText(new Date(epochS * 1000), opts);
}
