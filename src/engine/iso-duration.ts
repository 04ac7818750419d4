// ISO 8601 durations and repeating intervals as modelers write them for timers, retries and
// schedules: PT15M, P1DT2H, R/PT1M, R5/PT10S, R3/2026-01-01T00:00:00Z/PT1H.

const DURATION =
  /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const UNIT_MS = [365 * 86400000, 30 * 86400000, 7 * 86400000, 86400000, 3600000, 60000, 1000];
/** A longer duration puts any time after it beyond what a `Date` (and a database) can hold. */
const MAX_DURATION_MS = 1000 * 365 * 86400000;

/** Milliseconds of an ISO 8601 duration (years and months by their usual lengths), or undefined. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m || text.trim() === 'P' || text.trim().endsWith('T')) return undefined;
  let ms = 0;
  for (let i = 0; i < UNIT_MS.length; i++) {
    const v = m[i + 1];
    if (v) ms += Number(v) * (UNIT_MS[i] as number);
  }
  return Number.isFinite(ms) && ms <= MAX_DURATION_MS ? ms : undefined;
}

export interface RepeatingInterval {
  /** undefined = unbounded (R/…). */
  repetitions: number | undefined;
  start: number | undefined;
  intervalMs: number;
}

/** Parses `R[n]/[start/]duration` (or a bare duration, once); a zero interval is no interval. */
export function parseRepeatingInterval(text: string): RepeatingInterval | undefined {
  const parsed = readRepeatingInterval(text);
  return parsed && parsed.intervalMs > 0 ? parsed : undefined;
}

/**
 * Like parseRepeatingInterval, but a zero interval (R/PT0S) is returned as 0: the caller that
 * refuses too frequent cycles needs to tell "repeats without pause" from "not a cycle".
 * Never loops: the interval is computed, not stepped through.
 */
export function readRepeatingInterval(text: string): RepeatingInterval | undefined {
  const parts = text.trim().split('/');
  if (parts[0]?.startsWith('R')) {
    const reps = parts[0].slice(1);
    const repetitions = reps === '' || reps === '-1' ? undefined : Number(reps);
    if (repetitions !== undefined && (!Number.isInteger(repetitions) || repetitions < 0)) return undefined;
    let start: number | undefined;
    let durationText: string | undefined;
    if (parts.length === 3) {
      start = Date.parse(parts[1] as string);
      durationText = parts[2];
      if (Number.isNaN(start)) return undefined;
    } else if (parts.length === 2) {
      durationText = parts[1];
    }
    const intervalMs = durationText ? parseDuration(durationText) : undefined;
    if (intervalMs === undefined) return undefined;
    return { repetitions, start, intervalMs };
  }
  const once = parseDuration(text);
  return once !== undefined ? { repetitions: 1, start: undefined, intervalMs: once } : undefined;
}
