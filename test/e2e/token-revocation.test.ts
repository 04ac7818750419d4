// A revoked token stops working on the next request on every node. Two service nodes share one
// database; each keeps the tokens it has looked up in memory, valid under the token epoch they
// were read in. Revoking, rotating or deleting on node A raises the epoch in the same
// transaction, and node B reads the epoch on every request, so its next request with the token
// is a 401 — on /api, on /engine-rest (Basic) and on /metrics alike.
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { createUser, startTestService, type TestService } from '../helpers/test-service';

describe.each(databaseKinds)('token revocation across two nodes on %s', (kind) => {
  let db: TestDatabase;
  let a: TestService;
  let b: TestService;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    a = await startTestService(db);
    b = await startTestService(db);
  });

  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await db?.drop();
  });

  const userId = async (node: TestService, token: string) => ((await node.as(token).get('/api/me')).body as { id: string }).id;
  const tokenIds = async (node: TestService, id: string) =>
    ((await node.admin.get(`/api/users/${id}/tokens`)).body as { items: Array<{ id: string }> }).items.map((t) => t.id);
  const basic = (name: string, token: string) => `Basic ${Buffer.from(`${name}:${token}`).toString('base64')}`;

  test('a token revoked on node A gets a 401 on the next request on node B, on /api, /engine-rest and /metrics', async () => {
    const token = await createUser(a, 'rev-alice', ['metrics']);
    const id = await userId(a, token);
    // Node B has looked the token up (and keeps it) on all three parsers.
    expect((await b.as(token).get('/api/me')).status).toBe(200);
    expect((await b.http.get('/engine-rest/process-definition').set('Authorization', basic('rev-alice', token))).status).toBe(200);
    expect((await b.as(token).get('/metrics')).status).toBe(200);
    const [tokenId] = await tokenIds(a, id);
    expect((await a.admin.delete(`/api/users/${id}/tokens/${tokenId}`)).status).toBe(204);
    expect((await b.as(token).get('/api/me')).status).toBe(401);
    expect((await b.http.get('/engine-rest/process-definition').set('Authorization', basic('rev-alice', token))).status).toBe(401);
    expect((await b.as(token).get('/metrics')).status).toBe(401);
    expect((await a.as(token).get('/api/me')).status).toBe(401);
  });

  test('a rotation on node A: the old tokens get a 401 on node B at once, the new one works there', async () => {
    const first = await createUser(a, 'rev-bob', ['staff']);
    const id = await userId(a, first);
    const second = ((await a.admin.post(`/api/users/${id}/tokens`).send({})).body as { token: string }).token;
    expect((await b.as(first).get('/api/me')).status).toBe(200);
    expect((await b.as(second).get('/api/me')).status).toBe(200);
    const rotated = ((await a.as(first).post(`/api/users/${id}/tokens?rotate=true`).send({})).body as { token: string }).token;
    expect((await b.as(first).get('/api/me')).status).toBe(401);
    expect((await b.as(second).get('/api/me')).status).toBe(401);
    expect((await b.as(rotated).get('/api/me')).body).toEqual({ id, name: 'rev-bob', groups: ['staff'] });
  });

  test('a user deleted on node A: its token gets a 401 on node B at once; other users keep working', async () => {
    const carol = await createUser(a, 'rev-carol', []);
    const dave = await createUser(a, 'rev-dave', []);
    const id = await userId(a, carol);
    expect((await b.as(carol).get('/api/me')).status).toBe(200);
    expect((await b.as(dave).get('/api/me')).status).toBe(200);
    expect((await a.admin.delete(`/api/users/${id}`)).status).toBe(204);
    expect((await b.as(carol).get('/api/me')).status).toBe(401);
    expect((await b.as(dave).get('/api/me')).status).toBe(200);
  });

  test('revoking on node B works the same way for node A (and for node B itself)', async () => {
    const token = await createUser(b, 'rev-erin', []);
    const id = await userId(b, token);
    expect((await a.as(token).get('/api/me')).status).toBe(200);
    const [tokenId] = await tokenIds(b, id);
    expect((await b.as(token).delete(`/api/users/${id}/tokens/${tokenId}`)).status).toBe(204);
    expect((await a.as(token).get('/api/me')).status).toBe(401);
    expect((await b.as(token).get('/api/me')).status).toBe(401);
  });

  test('a known token is answered from memory while the epoch stands, and looked up again once it moves', async () => {
    const token = await createUser(a, 'rev-frank', []);
    expect((await b.as(token).get('/api/me')).status).toBe(200);
    const knex = b.service.store.db.knex;
    const row: { epoch: number | string } = await knex('token_epoch').where({ id: 1 }).first('epoch');
    const epoch = Number(row.epoch);
    // Taking the token row away without the epoch (which procflow never does) shows the cache:
    // node B still answers from memory, while node A, which never looked the token up, does not know it.
    const id = await userId(b, token);
    await knex('tokens').where({ user_id: id }).delete();
    expect((await b.as(token).get('/api/me')).status).toBe(200);
    expect((await a.as(token).get('/api/me')).status).toBe(401);
    // A new epoch makes every node forget what it had cached.
    await knex('token_epoch')
      .where({ id: 1 })
      .update({ epoch: epoch + 1 });
    expect((await b.as(token).get('/api/me')).status).toBe(401);
  });

  test('unknown tokens are 401 on both nodes and an unknown one does not disturb a known one', async () => {
    const token = await createUser(a, 'rev-gina', []);
    expect((await b.as('pf_not-a-token').get('/api/me')).status).toBe(401);
    expect((await b.as(token).get('/api/me')).status).toBe(200);
    expect((await a.as('pf_not-a-token').get('/api/me')).status).toBe(401);
  });
});
