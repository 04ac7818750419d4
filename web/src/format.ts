// How times, durations and values are shown.
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = s / 60;
  if (m < 60) return `${Math.floor(m)} min ${Math.round(s % 60)} s`;
  const hr = m / 60;
  if (hr < 48) return `${Math.floor(hr)} h ${Math.round(m % 60)} min`;
  return `${Math.floor(hr / 24)} d ${Math.round(hr % 24)} h`;
}

/** How long ago, relative to `now` (the service clock when known). */
export function age(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  return duration(Math.max(0, now - new Date(iso).getTime()));
}

export function value(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}
