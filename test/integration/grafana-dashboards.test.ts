// Every panel of the Grafana boards in dashboards/{sqlite,postgres}/*.json runs, as Grafana would
// send it, against a database that real runs left behind (service started, processes deployed,
// instances run and tasks completed over the API; game servers registered and polled over the
// API): template variables and each datasource's macros are expanded the way Grafana and
// frser-sqlite-datasource do, every query must succeed, and panels marked to expect data return
// rows.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import knexFactory from 'knex';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { runSampleWorkload } from '../helpers/sample-runs';
import { deploy, startTestService, type TestService } from '../helpers/test-service';

const DASHBOARDS = path.resolve(__dirname, '..', '..', 'dashboards');

interface Target {
  refId: string;
  rawSql?: string;
  rawQueryText?: string;
  queryText?: string;
  timeColumns?: string[];
}
interface Panel {
  title: string;
  type: string;
  datasource: { type: string; uid: string };
  targets: Target[];
  procflow?: { expectRows: boolean | 'samples' };
}
interface Variable {
  type: 'query' | 'custom';
  name: string;
  query: string;
  current: { value: string | string[] };
}
interface Board {
  uid: string;
  title: string;
  templating: { list: Variable[] };
  panels: Panel[];
}

function boards(dialect: 'sqlite' | 'postgres'): Array<{ file: string; board: Board }> {
  const dir = path.join(DASHBOARDS, dialect);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ file: `${dialect}/${f}`, board: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Board }));
}

const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;

/** Grafana's template variables: ${name:singlequote}, ${name} and $name, with "All" selected. */
function expandVariables(sql: string, values: Map<string, string[]>): string {
  return sql
    .replace(/\$\{(\w+):singlequote\}/g, (_m, name: string) => {
      const v = values.get(name);
      if (!v) throw new Error(`no value for variable ${name}`);
      // Grafana renders an "All" over no options as nothing; '' keeps the SQL valid and matches nothing.
      return v.length ? v.map(quote).join(',') : "''";
    })
    .replace(/\$\{(\w+)\}|\$(\w+)\b/g, (m, a?: string, b?: string) => {
      const name = (a ?? b) as string;
      if (name.startsWith('__')) return m; // a macro or global variable, expanded per datasource
      const v = values.get(name);
      if (!v) throw new Error(`no value for variable ${name}`);
      return v.join(',');
    });
}

/** What Grafana's PostgreSQL datasource does with its macros (pkg/tsdb/grafana-postgresql-datasource/macros.go). */
function expandPostgresMacros(sql: string, from: Date, to: Date): string {
  const seconds = (interval: string) => {
    const m = /^'?(\d+)(s|m|h|d)'?$/.exec(interval.trim());
    if (!m) throw new Error(`cannot parse interval ${interval}`);
    return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
  };
  return sql.replace(/\$__(\w+)\(([^)]*)\)/g, (_m, name: string, rawArgs: string) => {
    const args = rawArgs.split(',').map((a) => a.trim());
    switch (name) {
      case 'timeFilter':
        return `${args[0]} BETWEEN '${from.toISOString()}' AND '${to.toISOString()}'`;
      case 'timeFrom':
        return `'${from.toISOString()}'`;
      case 'timeTo':
        return `'${to.toISOString()}'`;
      case 'timeGroup':
        return `floor(extract(epoch from ${args[0]})/${seconds(args[1] as string)})*${seconds(args[1] as string)}`;
      case 'timeGroupAlias':
        return `floor(extract(epoch from ${args[0]})/${seconds(args[1] as string)})*${seconds(args[1] as string)} AS "time"`;
      case 'unixEpochFilter':
        return `${args[0]} >= ${Math.floor(from.getTime() / 1000)} AND ${args[0]} <= ${Math.floor(to.getTime() / 1000)}`;
      default:
        throw new Error(`macro $__${name} is not one the Postgres datasource knows`);
    }
  });
}

/** What frser-sqlite-datasource does: $__from/$__to (epoch ms) and $__unixEpochGroupSeconds. */
function expandSqliteMacros(sql: string, from: Date, to: Date): string {
  return sql
    .replace(/\$__unixEpochGroupSeconds\(([^)]*)\)/g, (_m, rawArgs: string) => {
      const [col, interval, fill] = rawArgs.split(',').map((a) => a.trim());
      if (!col || !/^\d+$/.test(interval ?? '') || (fill !== undefined && fill.toLowerCase() !== 'null')) {
        throw new Error(`$__unixEpochGroupSeconds(${rawArgs}) needs a column and an integer interval`);
      }
      return `cast((${col} / ${interval}) as int) * ${interval}`;
    })
    .replace(/\$__from\b/g, String(Math.floor(from.getTime() / 1000) * 1000))
    .replace(/\$__to\b/g, String(Math.floor(to.getTime() / 1000) * 1000));
}

test('the committed boards are what dashboards/generate.mjs makes of dashboards/panels.mjs', () => {
  const check = spawnSync(process.execPath, [path.join(DASHBOARDS, 'generate.mjs'), '--check'], { encoding: 'utf8' });
  expect(check.stderr).toBe('');
  expect(check.status).toBe(0);
});

test('the provisioning names the datasources the boards use', () => {
  const sqlite = fs.readFileSync(path.join(DASHBOARDS, 'provisioning', 'datasources', 'sqlite.yaml'), 'utf8');
  const pg = fs.readFileSync(path.join(DASHBOARDS, 'provisioning', 'datasources', 'postgres.yaml'), 'utf8');
  expect(sqlite).toMatch(/type: frser-sqlite-datasource/);
  expect(sqlite).toMatch(/uid: procflow-sqlite/);
  expect(pg).toMatch(/type: postgres/);
  expect(pg).toMatch(/uid: procflow-postgres/);
  for (const dialect of ['sqlite', 'postgres'] as const) {
    for (const { board } of boards(dialect)) {
      for (const p of board.panels) expect(p.datasource.uid).toBe(`procflow-${dialect}`);
    }
  }
});

describe.each(databaseKinds)('Grafana boards on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  let samples = 0;
  let gameServersPolled = false;
  const from = new Date(Date.now() - 7 * 86_400_000);
  const to = new Date(Date.now() + 3_600_000);

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    t = await startTestService(db);
    await runSampleWorkload(t);
    // Game servers over the API when this build has them: one registered on a closed loopback
    // port (it is polled and found offline), then a poll of every server.
    if ((await t.admin.get('/api/game-servers')).status !== 404) {
      // The poll is a run of processes/game-server-monitor.bpmn: deploy it as the service would.
      const monitor = path.resolve(DASHBOARDS, '..', 'processes', 'game-server-monitor.bpmn');
      if (fs.existsSync(monitor)) expect((await deploy(t, fs.readFileSync(monitor), 'game-server-monitor.bpmn')).status).toBeLessThan(300);
      const added = await t.admin
        .post('/api/game-servers')
        .send({ name: 'Loopback test server', game: 'minecraft', host: '127.0.0.1', port: 1, provider: 'query' });
      expect(added.status).toBe(201);
      const poll = await t.admin.post('/api/game-servers/poll').send({});
      gameServersPolled = poll.status === 202;
      if (poll.status !== 202) console.warn(`POST /api/game-servers/poll answered ${poll.status} ${JSON.stringify(poll.body)}: no samples`);
      for (let i = 0; poll.status === 202 && i < 100 && samples === 0; i++) {
        const res = await t.admin.get(`/api/game-servers/${added.body.id}/samples`);
        samples = ((res.body as { items?: unknown[] }).items ?? (res.body as unknown[])).length;
        if (!samples) await new Promise((r) => setTimeout(r, 100));
      }
    }
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
  });

  async function run(sql: string): Promise<Array<Record<string, unknown>>> {
    if (kind === 'postgres') {
      const res = await t.service.store.db.knex.raw<{ rows: Array<Record<string, unknown>> }>(sql);
      return res.rows;
    }
    // As Grafana does: the plugin opens the database file itself, read only.
    const file = db.url.slice('sqlite:'.length);
    const conn = knexFactory({ client: 'better-sqlite3', connection: { filename: file, options: { readonly: true } }, useNullAsDefault: true });
    try {
      return await conn.raw<Array<Record<string, unknown>>>(sql);
    } finally {
      await conn.destroy();
    }
  }

  test('every panel query succeeds, and returns rows where the runs left data', async () => {
    const results: string[] = [];
    for (const { file, board } of boards(kind)) {
      const values = new Map<string, string[]>();
      for (const v of board.templating.list) {
        if (v.type === 'custom') values.set(v.name, [String(Array.isArray(v.current.value) ? v.current.value[0] : v.current.value)]);
        else
          values.set(
            v.name,
            (await run(v.query)).map((r) => String(Object.values(r)[0])),
          );
      }
      for (const panel of board.panels) {
        for (const target of panel.targets) {
          const raw = kind === 'postgres' ? target.rawSql : target.rawQueryText;
          expect(raw).toBeTruthy();
          if (kind === 'sqlite') expect(target.queryText).toBe(raw);
          const vars = expandVariables(raw as string, values);
          const sql = kind === 'postgres' ? expandPostgresMacros(vars, from, to) : expandSqliteMacros(vars, from, to);
          expect(sql).not.toMatch(/\$[\w{]/); // what is left is a JSON path such as '$.activityId'
          let rows: Array<Record<string, unknown>>;
          try {
            rows = await run(sql);
          } catch (err) {
            throw new Error(`${file} › ${panel.title} › ${target.refId} failed: ${(err as Error).message}\n${sql}`, { cause: err });
          }
          const expectRows = panel.procflow?.expectRows === true || (panel.procflow?.expectRows === 'samples' && samples > 0);
          if (expectRows && !rows.length) throw new Error(`${file} › ${panel.title} › ${target.refId} returned no rows\n${sql}`);
          if (kind === 'sqlite' && rows[0] && 'time' in rows[0]) {
            // frser-sqlite-datasource reads a number in a time column as epoch seconds.
            expect(typeof rows[0].time).toBe('number');
            expect(Number(rows[0].time)).toBeGreaterThan(from.getTime() / 1000 - 86_400);
          }
          results.push(`${file} › ${panel.title} › ${target.refId}: ${rows.length} rows`);
        }
      }
    }
    expect(results.length).toBeGreaterThanOrEqual(20);
  });

  test('the game-server panels had samples to read (written by a poll over the API)', () => {
    if (!gameServersPolled) {
      console.warn(`SKIPPED on ${kind}: /api/game-servers or its poll is not available on this build; the game-server panels were only checked to run`);
      return;
    }
    expect(samples).toBeGreaterThan(0);
  });
});
