// Small helpers for the benchmark: env settings, a concurrency pool, GC and memory readings,
// and plain-text tables.

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, found <${raw}>`);
  return Math.floor(n);
}

export function envIntList(name: string, fallback: number[], min = 1): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (!list.length || list.some((n) => !Number.isInteger(n) || n < min))
    throw new Error(`${name} must be a comma-separated list of integers ≥ ${min}, found <${raw}>`);
  return list;
}

export function envFlag(name: string): boolean {
  const raw = process.env[name];
  return raw !== undefined && raw !== '' && raw !== '0' && raw.toLowerCase() !== 'false';
}

/** Runs `count` jobs with at most `concurrency` in flight; resolves with the elapsed milliseconds. */
export async function runPool(count: number, concurrency: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      await job(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, () => worker()));
  return performance.now() - t0;
}

const gcFn = (globalThis as { gc?: () => void }).gc;

export function hasGc(): boolean {
  return typeof gcFn === 'function';
}

/** A full collection (several passes, with turns of the loop between them for finalizers). */
export async function settleGc(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    gcFn?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
  gcFn?.();
}

export interface MemReading {
  heapUsed: number;
  rss: number;
}

export async function readMemory(): Promise<MemReading> {
  await settleGc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss };
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

export function fmtRate(perSec: number | undefined): string {
  if (perSec === undefined) return '—';
  return perSec >= 100 ? perSec.toFixed(0) : perSec.toFixed(1);
}

export function fmtRatio(r: number | undefined): string {
  return r === undefined ? '—' : `${r.toFixed(2)}×`;
}

/** A plain-text table: the first row is the header; columns after the first are right-aligned. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const out = [line(rows[0] ?? [])];
  out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows.slice(1)) out.push(line(row));
  return out.join('\n');
}

export function log(message: string): void {
  process.stdout.write(`${message}\n`);
}
