// The REST client of `npm run bench:http` as the benchmark drives it: a child process of its own
// (bench/http-client.ts, forked from the compiled dist/bench/http-client.js), so that its CPU
// (undici, streams, JSON) is not charged to the service. The benchmark sends it one job at a time
// and gets back the elapsed time, every request's latency and the client's CPU time.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** Which lifecycle each instance runs: `list` = start, then 3 × (list open tasks, complete) = 7 requests; `answers` = start, then 3 × complete with the task id from the previous answer = 4 requests. */
export type ClientLifecycle = 'list' | 'answers';

/** Closed loop: `concurrency` lifecycles in flight, each next one starts when one ends. Open loop: lifecycle i starts at t0 + i / rate, whatever is still running, but never more than `cap` at once. */
export type ClientMode = { kind: 'closed'; concurrency: number } | { kind: 'open'; rate: number; cap: number };

export interface ClientJob {
  base: string;
  token: string;
  lifecycle: ClientLifecycle;
  /** Lifecycles to run. */
  n: number;
  mode: ClientMode;
}

/** Milliseconds per request, measured in the client process with performance.now() around each fetch (answer read and parsed). */
export interface ClientLatencies {
  start: number[];
  list: number[];
  complete: number[];
}

export interface ClientResult {
  /** From the first lifecycle's start to the last one's end. */
  elapsedMs: number;
  latencies: ClientLatencies;
  /** The client process's CPU time over the job (process.cpuUsage delta). */
  cpuMs: { user: number; system: number };
  /** Open loop only. */
  open?: {
    /** The most lifecycles in flight at once. */
    peakInFlight: number;
    /** Arrivals that had to wait for a free slot under the cap. */
    capDelayed: number;
    /** The latest an arrival started behind its schedule (timer lateness, or the cap). */
    maxLagMs: number;
  };
}

export type ToClient = { id: number; job: ClientJob };
export type FromClient = { id: number; result: ClientResult } | { id: number; error: string };

export class HttpClientProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: ClientResult) => void; reject: (e: Error) => void }>();
  private exited: Error | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: FromClient) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if ('error' in message) waiting.reject(new Error(`HTTP client process: ${message.error}`));
      else waiting.resolve(message.result);
    });
    child.on('exit', (code, signal) => {
      this.exited = new Error(`HTTP client process exited (code ${code ?? '—'}, signal ${signal ?? '—'})`);
      for (const waiting of this.pending.values()) waiting.reject(this.exited);
      this.pending.clear();
    });
  }

  /** Forks dist/bench/http-client.js (next to this compiled file). */
  static start(): HttpClientProcess {
    return new HttpClientProcess(fork(path.join(__dirname, 'http-client.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  run(job: ClientJob): Promise<ClientResult> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<ClientResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, job } satisfies ToClient);
    });
  }

  /** Disconnects the channel; the client process then exits by itself. */
  close(): Promise<void> {
    if (this.exited || !this.child.connected) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.disconnect();
    });
  }
}
