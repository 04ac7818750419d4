// Waiting in tests without real sleeps: bounded polling for a condition (the bound is a hang
// guard, never a timing assertion) and a probe that proves the job executor has had its round.
import crypto from 'node:crypto';
import type supertest from 'supertest';

const POLL_MS = 20;

/**
 * Polls `check` until it holds; fails after `maxMs` of real time with what was expected. The
 * bound only keeps a broken test from hanging: nothing may depend on how long the wait took.
 */
export async function waitUntil(check: () => Promise<boolean> | boolean, what: string, maxMs = 10_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`expected ${what}; still not so after ${maxMs} ms (hang guard)`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Exercises nothing: a none start straight to an end, started by the probe's one-off schedules. */
const PROBE_KEY = 'executorProbe';
const PROBE_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_executorProbe" targetNamespace="http://procflow.dev/test">
  <bpmn:process id="${PROBE_KEY}" isExecutable="true">
    <bpmn:startEvent id="probeStart" />
    <bpmn:sequenceFlow id="probeFlow" sourceRef="probeStart" targetRef="probeEnd" />
    <bpmn:endEvent id="probeEnd" />
  </bpmn:process>
</bpmn:definitions>`;

async function deployProbe(admin: supertest.Agent): Promise<void> {
  const defs = await admin.get('/api/process-definitions');
  if ((defs.body.items as Array<{ key: string }>).some((d) => d.key === PROBE_KEY)) return;
  const res = await admin.post('/api/deployments?name=executor-probe.bpmn').set('Content-Type', 'application/xml').send(PROBE_BPMN);
  if (res.status !== 201) throw new Error(`could not deploy the executor probe: ${res.status} ${JSON.stringify(res.body)}`);
}

/** A one-off schedule due now on the service clock; resolves once the instance it starts exists. */
async function probeOnce(admin: supertest.Agent, maxMs: number): Promise<void> {
  const probe = crypto.randomUUID();
  const now = (await admin.get('/api/clock')).body.now as string;
  const created = await admin.post('/api/schedules').send({ name: `executor probe ${probe}`, processKey: PROBE_KEY, at: now, variables: { probe } });
  if (created.status !== 201) throw new Error(`could not schedule the executor probe: ${created.status} ${JSON.stringify(created.body)}`);
  await waitUntil(
    async () => {
      const res = await admin.get(`/api/process-instances?definitionKey=${PROBE_KEY}&limit=500`);
      return (res.body.items as Array<{ variables: { probe?: string } }>).some((i) => i.variables.probe === probe);
    },
    `the job executor to start the probe scheduled at ${now}`,
    maxMs,
  );
  await admin.delete(`/api/schedules/${created.body.id}`);
}

/**
 * Resolves once the job executor has carried out every job that was due (on the service clock)
 * when it was called: the positive way to say "it had its chance and did nothing". A first probe
 * start job, due now, is leased after every job due before it (jobs are leased by due time); a
 * second one, scheduled once the first has run, is leased in a later round, and a round begins
 * only when the one before has carried out all of its jobs. One node only: another node may
 * still be busy with the jobs it leased.
 */
export async function executorRound(admin: supertest.Agent, maxMs = 10_000): Promise<void> {
  await deployProbe(admin);
  await probeOnce(admin, maxMs);
  await probeOnce(admin, maxMs);
}
