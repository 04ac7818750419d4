// The REST client process of `npm run bench:http`, forked by bench/http-bench.ts through
// bench/http-client-process.ts: it runs the lifecycles of a job against the service over
// keep-alive HTTP (Node's fetch) and answers with the elapsed time, the latency of every request
// and its own CPU time. It loads none of the service's modules.
import { PROCESS_KEY, USER_TASKS } from './bench-process';
import { runPool } from './bench-util';
import type { ClientJob, ClientLatencies, ClientResult, FromClient, ToClient } from './http-client-process';
import { callService } from './http-call';

type Lifecycle = (job: ClientJob, lat: ClientLatencies) => Promise<void>;

async function timed<T>(into: number[], request: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const answer = await request();
  into.push(performance.now() - t0);
  return answer;
}

/** Start, then for each user task read the open tasks of the instance and complete the one it waits at: 7 requests. */
const listThenComplete: Lifecycle = async (job, lat) => {
  const call = (method: string, url: string, body?: unknown) => callService(job.base, job.token, method, url, body);
  const started = (await timed(lat.start, () => call('POST', `/api/process-definitions/${PROCESS_KEY}/start`, {}))) as { id: string };
  for (const activity of USER_TASKS) {
    const open = (await timed(lat.list, () => call('GET', `/api/tasks?state=open&processInstanceId=${started.id}`))) as {
      items: Array<{ id: string; activityId: string }>;
    };
    const task = open.items.find((t) => t.activityId === activity);
    if (!task) throw new Error(`instance <${started.id}> does not wait at <${activity}>`);
    await timed(lat.complete, () => call('POST', `/api/tasks/${task.id}/complete`, { variables: {} }));
  }
};

/** The same lifecycle without list calls: each answer names the task the instance waits at next (4 requests). */
const fromTheAnswers: Lifecycle = async (job, lat) => {
  type Answer = { id: string; waitingAt: Array<{ activityId: string; taskId?: string }> };
  const call = (method: string, url: string, body?: unknown) => callService(job.base, job.token, method, url, body);
  let instance = (await timed(lat.start, () => call('POST', `/api/process-definitions/${PROCESS_KEY}/start`, {}))) as Answer;
  for (const activity of USER_TASKS) {
    const taskId = instance.waitingAt.find((w) => w.activityId === activity)?.taskId;
    if (!taskId) throw new Error(`instance <${instance.id}> does not wait at <${activity}>`);
    const answer = (await timed(lat.complete, () => call('POST', `/api/tasks/${taskId}/complete`, { variables: {} }))) as { processInstance: Answer };
    instance = answer.processInstance;
  }
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Open loop: lifecycle i is due at t0 + i × (1000 / rate) ms and starts then, whether or not the
 * earlier ones have ended; only when `cap` lifecycles are in flight does an arrival wait for a slot.
 */
async function openLoop(
  n: number,
  rate: number,
  cap: number,
  run: () => Promise<void>,
): Promise<{ elapsedMs: number; open: NonNullable<ClientResult['open']> }> {
  const interval = 1000 / rate;
  let inFlight = 0;
  let peakInFlight = 0;
  let capDelayed = 0;
  let maxLagMs = 0;
  let failure: unknown;
  let slotFreed: (() => void) | null = null;
  const running: Array<Promise<void>> = [];
  const t0 = performance.now();
  for (let i = 0; i < n && failure === undefined; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    if (inFlight >= cap) capDelayed++;
    while (inFlight >= cap) await new Promise<void>((resolve) => (slotFreed = resolve));
    maxLagMs = Math.max(maxLagMs, performance.now() - due);
    inFlight++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    running.push(
      run().then(
        () => {
          inFlight--;
          const wake = slotFreed;
          slotFreed = null;
          wake?.();
        },
        (err: unknown) => {
          inFlight--;
          failure ??= err;
          const wake = slotFreed;
          slotFreed = null;
          wake?.();
        },
      ),
    );
  }
  await Promise.all(running);
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
  return { elapsedMs: performance.now() - t0, open: { peakInFlight, capDelayed, maxLagMs } };
}

async function runJob(job: ClientJob): Promise<ClientResult> {
  const lifecycle = job.lifecycle === 'list' ? listThenComplete : fromTheAnswers;
  const latencies: ClientLatencies = { start: [], list: [], complete: [] };
  const cpu0 = process.cpuUsage();
  let result: Pick<ClientResult, 'elapsedMs' | 'open'>;
  if (job.mode.kind === 'closed') result = { elapsedMs: await runPool(job.n, job.mode.concurrency, () => lifecycle(job, latencies)) };
  else result = await openLoop(job.n, job.mode.rate, job.mode.cap, () => lifecycle(job, latencies));
  const cpu = process.cpuUsage(cpu0);
  return { ...result, latencies, cpuMs: { user: cpu.user / 1000, system: cpu.system / 1000 } };
}

if (!process.send) throw new Error('bench/http-client.ts runs as a child process of bench/http-bench.ts (an IPC channel is needed)');
process.on('message', (message: ToClient) => {
  runJob(message.job).then(
    (result) => process.send?.({ id: message.id, result } satisfies FromClient),
    (err: unknown) => process.send?.({ id: message.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies FromClient),
  );
});
// The benchmark disconnects when it is done; nothing else keeps this process.
process.on('disconnect', () => process.exit(0));
