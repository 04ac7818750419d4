// Small helpers for the benchmark: env settings, a concurrency pool, CPU, GC and memory readings,
// and plain-text tables.
import os from 'node:os';

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

/** A full collection (two passes, with turns of the loop between them for finalizers). */
export async function settleGc(): Promise<void> {
  gcFn?.();
  await new Promise((resolve) => setTimeout(resolve, 10));
  gcFn?.();
}

export interface MemReading {
  heapUsed: number;
  heapTotal: number;
  external: number;
  rss: number;
}

export async function readMemory(): Promise<MemReading> {
  await settleGc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, rss: m.rss };
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

export interface CpuMark {
  idle: number;
  total: number;
  own: NodeJS.CpuUsage;
  at: number;
}

/** A reading of the machine's CPU times and this process's CPU use, to compare with a later one. */
export function cpuMark(): CpuMark {
  let idle = 0;
  let total = 0;
  for (const c of os.cpus()) {
    idle += c.times.idle;
    total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
  }
  return { idle, total, own: process.cpuUsage(), at: performance.now() };
}

/**
 * CPU use since `mark`, in % of all CPUs: the whole machine, this process, and the difference —
 * work done outside this process (the Postgres server, and anything else running on the machine).
 */
export function cpuSince(mark: CpuMark): { machine: number; own: number; outside: number } {
  const now = cpuMark();
  const total = now.total - mark.total;
  const machine = total > 0 ? ((total - (now.idle - mark.idle)) / total) * 100 : 0;
  const ownMs = (now.own.user - mark.own.user + now.own.system - mark.own.system) / 1000;
  const own = (ownMs / ((now.at - mark.at) * os.cpus().length)) * 100;
  return { machine, own, outside: Math.max(0, machine - own) };
}

/** CPU milliseconds since `mark`: busy time of the whole machine (all CPUs) and of this process. */
export function cpuMsSince(mark: CpuMark): { machine: number; own: number } {
  const now = cpuMark();
  const machine = now.total - mark.total - (now.idle - mark.idle);
  const own = (now.own.user - mark.own.user + now.own.system - mark.own.system) / 1000;
  return { machine, own };
}

/** The p-th percentile (0–100) of `values` by nearest rank; undefined for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}
