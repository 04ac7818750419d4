// How times, durations, names and values are shown: in the user's locale, durations in words
// ("3 h 20 min"), field names as words ("Activity id"), ISO times inside values as local times.
import { serviceNow } from './clock';

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** A duration in words, two units at most: "45 s", "3 min 5 s", "3 h 20 min", "2 d 4 h". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 0) return '—';
  if (ms < 1000) return ms < 100 ? 'under 0.1 s' : `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const hr = Math.floor(m / 60);
  if (hr < 48) return m % 60 ? `${hr} h ${m % 60} min` : `${hr} h`;
  const d = Math.floor(hr / 24);
  return hr % 24 ? `${d} d ${hr % 24} h` : `${d} d`;
}

/** How long ago, on the service clock unless `now` is given. */
export function age(iso: string | null | undefined, now = serviceNow()): string {
  if (!iso) return '—';
  return duration(Math.max(0, now - new Date(iso).getTime()));
}

/** An ISO 8601 date-time, as the API sends times. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export function isIsoTime(v: unknown): v is string {
  return typeof v === 'string' && ISO_TIME.test(v);
}

export function value(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (isIsoTime(v)) return dateTime(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A field or variable name as words: `activityId` → "Activity id", `quote_number` → "Quote number". */
export function label(name: string): string {
  const words = name
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : name;
}

/** An amount of money in the user's locale. */
export function money(amount: number | null | undefined, currency?: string | null): string {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return '—';
  try {
    return amount.toLocaleString(undefined, currency ? { style: 'currency', currency } : { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  } catch {
    return `${amount.toFixed(2)}${currency ? ` ${currency}` : ''}`;
  }
}

export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}
