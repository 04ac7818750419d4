// Quartz cron expressions, as Camunda 7 reads a timer's timeCycle that is not an ISO 8601
// repeating interval: 6 or 7 fields — seconds minutes hours day-of-month month day-of-week
// [year] — with `?`, `L`, `W`, `LW`, `L-n`, `nL` and `n#k`, computed in UTC on the service clock.

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
/** Quartz's own bounds for the year field. */
const YEARS = { min: 1970, max: 2199 };
/** With no year field, Quartz looks this many years ahead before it gives up. */
const YEARS_AHEAD = 100;

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
}

const FIELDS: FieldSpec[] = [
  { name: 'seconds', min: 0, max: 59 },
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 1, max: 7, names: DAYS },
  { name: 'year', min: YEARS.min, max: YEARS.max },
];

/** How the day-of-month field picks days (when the day-of-week field is `?`). */
type DayOfMonth = { kind: 'set'; days: Set<number> } | { kind: 'last'; offset: number } | { kind: 'last-weekday' } | { kind: 'nearest-weekday'; day: number };

/** How the day-of-week field picks days (when the day-of-month field is `?`). */
type DayOfWeek = { kind: 'set'; days: Set<number> } | { kind: 'last-of-month'; day: number } | { kind: 'nth'; day: number; nth: number };

export interface QuartzCron {
  readonly text: string;
  /** The first firing strictly after `after` (whole seconds), or null when there is none any more. */
  next(after: Date): Date | null;
}

export class QuartzCronError extends Error {}

/** True when `text` has the shape of a Quartz cron expression (6 or 7 fields), whether or not it is valid. */
export function looksLikeQuartzCron(text: string): boolean {
  const fields = text.trim().split(/\s+/);
  return (fields.length === 6 || fields.length === 7) && !/^[RP]/.test(text.trim());
}

function fail(text: string, field: FieldSpec, message: string): never {
  throw new QuartzCronError(`cron <${text}>: the ${field.name} field ${message}`);
}

function value(text: string, field: FieldSpec, token: string): number {
  const upper = token.toUpperCase();
  const byName = field.names?.indexOf(upper) ?? -1;
  if (byName >= 0) return byName + 1;
  if (!/^\d+$/.test(token)) fail(text, field, `expected a number${field.names ? ' or a name such as ' + (field.names[0] ?? '') : ''}, found <${token}>`);
  const n = Number(token);
  if (n < field.min || n > field.max) fail(text, field, `expected ${field.min} to ${field.max}, found <${token}>`);
  return n;
}

/** `*`, `a`, `a-b` (wrapping past the end, as Quartz allows), each with an optional `/step`; comma-separated. */
function valueSet(text: string, field: FieldSpec, source: string): Set<number> {
  const out = new Set<number>();
  for (const part of source.split(',')) {
    if (part === '') fail(text, field, `has an empty list item in <${source}>`);
    const [range = '', stepText, extra] = part.split('/');
    if (extra !== undefined) fail(text, field, `expected one "/" in <${part}>`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (stepText !== undefined && (!/^\d+$/.test(stepText) || step < 1 || step > field.max - field.min + 1)) {
      fail(text, field, `expected a step of 1 to ${field.max - field.min + 1}, found <${stepText}>`);
    }
    let start: number;
    let end: number;
    if (range === '*') {
      start = field.min;
      end = field.max;
    } else if (range.includes('-')) {
      const [a = '', b = '', more] = range.split('-');
      if (more !== undefined) fail(text, field, `expected a range a-b, found <${range}>`);
      start = value(text, field, a);
      end = value(text, field, b);
    } else {
      start = value(text, field, range);
      // `a/step` runs from a to the end of the field; a lone `a` is just a.
      end = stepText === undefined ? start : field.max;
    }
    const span = field.max - field.min + 1;
    const length = end >= start ? end - start : end + span - start;
    for (let i = 0; i <= length; i += step) out.add(((start - field.min + i) % span) + field.min);
  }
  return out;
}

function dayOfMonth(text: string, source: string): DayOfMonth {
  const field = FIELDS[3] as FieldSpec;
  const upper = source.toUpperCase();
  if (upper === 'L') return { kind: 'last', offset: 0 };
  if (upper === 'LW') return { kind: 'last-weekday' };
  const lastMinus = /^L-(\d+)$/.exec(upper);
  if (lastMinus) {
    const offset = Number(lastMinus[1]);
    if (offset > 30) fail(text, field, `expected L-0 to L-30, found <${source}>`);
    return { kind: 'last', offset };
  }
  const nearest = /^(\d+)W$/.exec(upper);
  if (nearest) return { kind: 'nearest-weekday', day: value(text, field, nearest[1] as string) };
  if (/[LW]/.test(upper)) fail(text, field, `expected L, L-n, LW or nW alone, found <${source}>`);
  return { kind: 'set', days: valueSet(text, field, source) };
}

function dayOfWeek(text: string, source: string): DayOfWeek {
  const field = FIELDS[5] as FieldSpec;
  const upper = source.toUpperCase();
  if (upper === 'L') return { kind: 'set', days: new Set([7]) };
  const last = /^(\w+)L$/.exec(upper);
  if (last) return { kind: 'last-of-month', day: value(text, field, last[1] as string) };
  const nth = /^(\w+)#(\d+)$/.exec(upper);
  if (nth) {
    const k = Number(nth[2]);
    if (k < 1 || k > 5) fail(text, field, `expected n#1 to n#5, found <${source}>`);
    return { kind: 'nth', day: value(text, field, nth[1] as string), nth: k };
  }
  if (/[L#]/.test(upper)) fail(text, field, `expected nL or n#k alone, found <${source}>`);
  return { kind: 'set', days: valueSet(text, field, source) };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Quartz numbers the days of the week 1 (Sunday) to 7 (Saturday). */
function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

function isWeekend(year: number, month: number, day: number): boolean {
  const d = weekday(year, month, day);
  return d === 1 || d === 7;
}

/** The weekday nearest to `day` in its month (Quartz's `nW`: never into another month). */
function nearestWeekday(year: number, month: number, day: number): number | undefined {
  const last = daysInMonth(year, month);
  if (day > last) return undefined;
  const d = weekday(year, month, day);
  if (d === 7) return day === 1 ? 3 : day - 1;
  if (d === 1) return day === last ? day - 2 : day + 1;
  return day;
}

function lastWeekday(year: number, month: number): number {
  let day = daysInMonth(year, month);
  while (isWeekend(year, month, day)) day--;
  return day;
}

function ascending(set: Set<number>): number[] {
  return [...set].sort((a, b) => a - b);
}

/** Parses a Quartz cron expression; a QuartzCronError says which field is wrong and why. */
export function parseQuartzCron(text: string): QuartzCron {
  const fields = text.trim().split(/\s+/);
  if (fields.length !== 6 && fields.length !== 7) {
    throw new QuartzCronError(`cron <${text}>: expected 6 or 7 fields (seconds minutes hours day-of-month month day-of-week [year]), found ${fields.length}`);
  }
  const [secF, minF, hourF, domF, monF, dowF, yearF] = fields as [string, string, string, string, string, string, string | undefined];
  // `?`, `L`, `W` and `#` anywhere else fail as values that are neither numbers nor names.
  const domNone = domF === '?';
  const dowNone = dowF === '?';
  if (domNone === dowNone) {
    throw new QuartzCronError(
      `cron <${text}>: expected "?" in exactly one of day-of-month and day-of-week (Quartz does not combine them), found <${domF}> and <${dowF}>`,
    );
  }
  const seconds = ascending(valueSet(text, FIELDS[0] as FieldSpec, secF));
  const minutes = ascending(valueSet(text, FIELDS[1] as FieldSpec, minF));
  const hours = ascending(valueSet(text, FIELDS[2] as FieldSpec, hourF));
  const months = valueSet(text, FIELDS[4] as FieldSpec, monF);
  const years = yearF === undefined ? undefined : valueSet(text, FIELDS[6] as FieldSpec, yearF);
  const dom = domNone ? undefined : dayOfMonth(text, domF);
  const dow = dowNone ? undefined : dayOfWeek(text, dowF);

  const dayMatches = (y: number, m: number, d: number): boolean => {
    if (dom) {
      switch (dom.kind) {
        case 'set':
          return dom.days.has(d);
        case 'last':
          return d === daysInMonth(y, m) - dom.offset;
        case 'last-weekday':
          return d === lastWeekday(y, m);
        case 'nearest-weekday':
          return d === nearestWeekday(y, m, dom.day);
      }
    }
    if (dow) {
      const wd = weekday(y, m, d);
      switch (dow.kind) {
        case 'set':
          return dow.days.has(wd);
        case 'last-of-month':
          return wd === dow.day && d + 7 > daysInMonth(y, m);
        case 'nth':
          return wd === dow.day && Math.ceil(d / 7) === dow.nth;
      }
    }
    return false;
  };

  /** The first h:m:s of the lists at or after the given time of day. */
  const timeOfDay = (h0: number, m0: number, s0: number): [number, number, number] | undefined => {
    for (const h of hours) {
      if (h < h0) continue;
      for (const m of minutes) {
        if (h === h0 && m < m0) continue;
        for (const s of seconds) {
          if (h === h0 && m === m0 && s < s0) continue;
          return [h, m, s];
        }
      }
    }
    return undefined;
  };

  return {
    text,
    next(after: Date): Date | null {
      const from = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
      const lastYear = years ? Math.max(...years) : from.getUTCFullYear() + YEARS_AHEAD;
      let y = from.getUTCFullYear();
      let m = from.getUTCMonth() + 1;
      let d = from.getUTCDate();
      let first = true;
      // Day by day, skipping whole months and years that cannot match: at most ~36,500 steps.
      while (y <= lastYear) {
        if (years && !years.has(y)) {
          y++;
          m = 1;
          d = 1;
          first = false;
          continue;
        }
        if (!months.has(m) || d > daysInMonth(y, m)) {
          m++;
          d = 1;
          first = false;
          if (m > 12) {
            m = 1;
            y++;
          }
          continue;
        }
        if (dayMatches(y, m, d)) {
          const at = first ? timeOfDay(from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds()) : timeOfDay(0, 0, 0);
          if (at) return new Date(Date.UTC(y, m - 1, d, at[0], at[1], at[2]));
        }
        d++;
        first = false;
      }
      return null;
    },
  };
}
