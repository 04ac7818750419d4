// Searching process instances over HTTP on SQLite and on Postgres: by start time (startedAfter
// inclusive, startedBefore exclusive, ISO 8601, validated), by business key exactly
// (businessKey) or by a part of it in any case (businessKeyLike, with LIKE's wildcards taken
// literally), combined with the other filters; by a variable's value and by end time; and a
// non-admin still sees only its own.
import { databaseKinds } from '../helpers/databases';
import { createUser, deploy, fixture, serviceForDescribe } from '../helpers/test-service';

interface Instance {
  id: string;
  businessKey: string | null;
  startedAt: string;
  state: string;
}

describe.each(databaseKinds)('instance search on %s', (kind) => {
  const t = serviceForDescribe(kind);
  let sam: string;
  /** business key → instance, started one hour apart in this order. */
  const started = new Map<string, Instance>();
  const keys = ['ORD-2026-001', 'ord-2026-002', 'SRV-100%', 'SRV-1000', 'x_y'];

  beforeAll(async () => {
    expect((await deploy(t, fixture('signal-wait.bpmn'), 'signal-wait.bpmn')).status).toBe(201);
    sam = await createUser(t, 'sam', ['warehouse']);
    const clock = (await t.admin.get('/api/clock')).body as { now: string };
    let now = Date.parse('2026-03-01T08:00:00.000Z');
    expect(Date.parse(clock.now)).toBeGreaterThan(0);
    for (const businessKey of keys) {
      expect((await t.admin.put('/api/clock').send({ now: new Date(now).toISOString() })).status).toBe(200);
      const res = await t.admin.post('/api/process-definitions/backorder/start').send({ businessKey });
      expect(res.status).toBe(201);
      started.set(businessKey, res.body as Instance);
      now += 3_600_000;
    }
    // One of sam's own, started last.
    expect((await t.admin.put('/api/clock').send({ now: new Date(now).toISOString() })).status).toBe(200);
    expect((await t.as(sam).post('/api/process-definitions/backorder/start').send({ businessKey: 'ORD-sam' })).status).toBe(201);
  });

  async function search(query: string, token?: string): Promise<string[]> {
    const res = await (token ? t.as(token) : t.admin).get(`/api/process-instances?${query}`);
    expect(res.status).toBe(200);
    const items = res.body.items as Instance[];
    expect(res.body.total).toBe(items.length);
    return items.map((i) => i.businessKey as string).sort();
  }

  test('the instances started were stamped on the service clock (which runs on from the time set)', () => {
    const at = (key: string) => Date.parse(started.get(key)?.startedAt ?? '');
    expect(at('ORD-2026-001') - Date.parse('2026-03-01T08:00:00Z')).toBeGreaterThanOrEqual(0);
    expect(at('ORD-2026-001') - Date.parse('2026-03-01T08:00:00Z')).toBeLessThan(60_000);
    expect(at('x_y') - Date.parse('2026-03-01T12:00:00Z')).toBeLessThan(60_000);
  });

  test('startedAfter is inclusive, startedBefore exclusive, and they combine', async () => {
    expect(await search('startedAfter=2026-03-01T10:00:00Z')).toEqual(['ORD-sam', 'SRV-100%', 'SRV-1000', 'x_y'].sort());
    expect(await search('startedBefore=2026-03-01T10:00:00Z')).toEqual(['ORD-2026-001', 'ord-2026-002'].sort());
    expect(await search('startedAfter=2026-03-01T09:00:00Z&startedBefore=2026-03-01T11:00:00Z')).toEqual(['SRV-100%', 'ord-2026-002'].sort());
    // Any ISO 8601 form with an offset means the same instant.
    expect(await search('startedAfter=2026-03-01T11:00:00%2B02:00&startedBefore=2026-03-01T10:00:01.000Z')).toEqual(['ord-2026-002', 'SRV-100%'].sort());
    expect(await search('startedAfter=2026-03-02T00:00:00Z')).toEqual([]);
  });

  test('businessKeyLike matches a part of the key in any case; businessKey stays exact', async () => {
    expect(await search('businessKeyLike=ord-2026')).toEqual(['ORD-2026-001', 'ord-2026-002'].sort());
    expect(await search('businessKeyLike=ORD')).toEqual(['ORD-2026-001', 'ORD-sam', 'ord-2026-002'].sort());
    expect(await search('businessKeyLike=002')).toEqual(['ord-2026-002']);
    expect(await search('businessKey=ORD-2026-002')).toEqual([]);
    expect(await search('businessKey=ord-2026-002')).toEqual(['ord-2026-002']);
    // % and _ are text, not wildcards.
    expect(await search(`businessKeyLike=${encodeURIComponent('100%')}`)).toEqual(['SRV-100%']);
    expect(await search('businessKeyLike=x_y')).toEqual(['x_y']);
    expect(await search('businessKeyLike=x_')).toEqual(['x_y']);
    expect(await search('businessKeyLike=_')).toEqual(['x_y']);
  });

  test('the search combines with state, definition key and paging, and a non-admin sees only its own', async () => {
    expect(await search('businessKeyLike=srv&state=running&definitionKey=backorder&startedAfter=2026-03-01T11:00:00Z')).toEqual(['SRV-1000']);
    expect(await search('businessKeyLike=srv&state=completed')).toEqual([]);
    const page = await t.admin.get('/api/process-instances?businessKeyLike=ord&limit=1&offset=1');
    expect(page.body).toMatchObject({ total: 3, items: [{ businessKey: 'ord-2026-002' }] });
    expect(await search('businessKeyLike=ord', sam)).toEqual(['ORD-sam']);
    expect(await search('startedBefore=2026-03-01T12:00:00Z', sam)).toEqual([]);
  });

  test.each([
    ['startedAfter=yesterday', 'startedAfter'],
    ['startedBefore=2026-13-45T00:00:00Z', 'startedBefore'],
    ['startedAfter=0001-01-01T00:00:00Z', 'startedAfter'],
    ['startedBefore=', 'startedBefore'],
  ])('a bad time (%s) is refused with 400 VALIDATION_FAILED naming the parameter', async (query, param) => {
    const res = await t.admin.get(`/api/process-instances?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.body)).toContain(param);
  });

  // Last in the file: it starts and ends instances of its own.
  test('by a variable value (as JSON: 250 is not "250"; plain text is a string) and by end time', async () => {
    const start = async (businessKey: string, variables: Record<string, unknown>): Promise<string> => {
      const res = await t.admin.post('/api/process-definitions/backorder/start').send({ businessKey, variables });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const a = await start('VAR-a', { customer: 'ACME', amount: 250, rush: true });
    await start('VAR-b', { customer: 'Globex', amount: '250', rush: false });
    const c = await start('VAR-c', { customer: 'ACME', note: null });
    expect(await search('variableName=customer&variableValue=ACME')).toEqual(['VAR-a', 'VAR-c']);
    expect(await search(`variableName=customer&variableValue=${encodeURIComponent('"Globex"')}`)).toEqual(['VAR-b']);
    expect(await search('variableName=amount&variableValue=250')).toEqual(['VAR-a']);
    expect(await search(`variableName=amount&variableValue=${encodeURIComponent('"250"')}`)).toEqual(['VAR-b']);
    expect(await search('variableName=rush&variableValue=false')).toEqual(['VAR-b']);
    expect(await search('variableName=note&variableValue=null')).toEqual(['VAR-c']);
    expect(await search('variableName=customer&variableValue=acme')).toEqual([]);
    expect(await search('variableName=customer&variableValue=ACME&businessKeyLike=c')).toEqual(['VAR-c']);

    // End two of them (cancelled) at a known service time; none had ended before.
    expect(await search('endedAfter=2000-01-01T00:00:00Z')).toEqual([]);
    expect((await t.admin.put('/api/clock').send({ now: '2026-06-01T10:00:00.000Z' })).status).toBe(200);
    for (const id of [a, c]) expect((await t.admin.delete(`/api/process-instances/${id}`)).status).toBe(204);
    expect(await search('endedAfter=2026-06-01T09:59:00Z&endedBefore=2026-06-01T11:00:00Z')).toEqual(['VAR-a', 'VAR-c']);
    expect(await search('endedAfter=2026-06-01T09:59:00Z&variableName=rush&variableValue=true')).toEqual(['VAR-a']);
    expect(await search('endedBefore=2026-06-01T09:59:00Z')).toEqual([]);
  });

  test.each([
    ['variableName=customer', 'variableValue'],
    ['variableValue=ACME', 'variableName'],
    [`variableName=customer&variableValue=${encodeURIComponent('{"a":1}')}`, 'variableValue'],
    ['endedAfter=soon', 'endedAfter'],
  ])('a bad variable or end-time search (%s) is refused with 400 VALIDATION_FAILED naming %s', async (query, param) => {
    const res = await t.admin.get(`/api/process-instances?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.body.errors)).toContain(param);
  });
});
