// The mcsrvstat API's answers as https://api.mcsrvstat.us documents them (v3), served by a plain
// HTTP stand-in written here (not procflow's simulator): the named players, the protocol and the
// icon are kept, a Bedrock server is asked at /bedrock/3/<address>, and the documented offline
// answer is an offline server. Over HTTP, on SQLite and on Postgres.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { processesDirWith } from '../helpers/process-files';
import { createUser, startTestService, type TestService } from '../helpers/test-service';

/**
 * "Response when server is Online", to the byte, except the documentation's `//` annotations and
 * the comma one of them leaves before `}` (they are notes for the reader: the API sends JSON).
 */
const DOCUMENTED_ONLINE = `{
	"online": true,
	"ip": "127.0.0.1",
	"port": 25567,
	"hostname": "server.mymcserver.tld",
	"debug": {
		"ping": true,
		"query": true,
		"bedrock": false,
		"srv": true,
		"querymismatch": false,
		"ipinsrv": false,
		"cnameinsrv": false,
		"animatedmotd": false,
		"cachehit": true,
		"cachetime": 1518553220,
		"cacheexpire": 1518553280,
		"apiversion": 3
	},
	"version": "1.12",
	"protocol": {
		"version": 340,
		"name": "1.12.2"
	},
	"icon": "data:image\\/png;base64,iVBORw0KGgoAAAANSUhEU...dSk6AAAAAElFTkSuQmCC",
	"software": "BungeeCord",
	"map": {
		"raw": "MyMcWorld",
		"clean": "MyMcWorld",
		"html": "MyMcWorld"
	},
	"gamemode": "Survival",
	"serverid": "2438134582716697305",
	"eula_blocked": false,
	"motd": {
		"raw": [
			"\\u00a7cEver\\u00a7r\\u00a79PvP \\u00a7r\\u00a77- \\u00a7r\\u00a72\\u00c9n server, for alle",
			"\\u00a7r\\u00a7fSe dine stats p\\u00e5 \\u00a7r\\u00a76stats.everpvp.dk\\u00a7r"
		],
		"clean": [
			"EverPvP - \\u00c9n server, for alle",
			"Se dine stats p\\u00e5 stats.everpvp.dk"
		],
		"html": [
			"<span style=\\"color: #FF5555\\">Ever<\\/span><span style=\\"color: #5555FF\\">PvP <\\/span><span style=\\"color: #AAAAAA\\">- <\\/span><span style=\\"color: #00AA00\\">\\u00c9n server, for alle<\\/span>",
			"<span style=\\"color: #FFFFFF\\">Se dine stats p\\u00e5 <\\/span><span style=\\"color: #FFAA00\\">stats.everpvp.dk<\\/span>"
		]
	},
	"players": {
		"online": 2,
		"max": 100,
		"list": [
			{
				"name": "Spirit55555",
				"uuid": "f6792ad3-cbb4-4596-8296-749ee4158f97"
			},
			{
				"name": "sarsum33",
				"uuid": "d3512599-d4d9-4520-808f-a81f4cdfe8d0"
			}
		]
	},
	"plugins": [
		{
			"name": "WorldEdit",
			"version": "6.1.5"
		},
		{
			"name": "WorldGuard",
			"version": "6.2"
		}
	],
	"mods": [
		{
			"name": "BiomesOPlenty",
			"version": "2.1.0"
		},
		{
			"name": "MoreFurnaces",
			"version": "1.3.9"
		}
	]
}`;

/** "Response when server is Offline", annotations taken out likewise. */
const DOCUMENTED_OFFLINE = `{
	"online": false,
	"ip": "127.0.0.1",
	"port": 25567,
	"hostname": "not-working.mymcserver.tld",
	"debug": {
		"ping": false,
		"query": false,
		"srv": false,
		"querymismatch": false,
		"ipinsrv": false,
		"cnameinsrv": false,
		"animatedmotd": false,
		"cachehit": false,
		"cachetime": 1518553220,
		"cacheexpire": 1518553280,
		"apiversion": 2
	}
}`;

describe.each(databaseKinds)('the mcsrvstat API as documented on %s', (kind) => {
  let db: TestDatabase;
  let t: TestService;
  let ops: string;
  let api: http.Server;
  const asked: string[] = [];

  beforeAll(async () => {
    api = http.createServer((req, res) => {
      const url = req.url ?? '';
      asked.push(url);
      const body = /^\/(bedrock\/)?3\/(java|bedrock)\.example(:\d+)?$/.test(url)
        ? DOCUMENTED_ONLINE
        : /^\/(bedrock\/)?3\//.test(url)
          ? DOCUMENTED_OFFLINE
          : null;
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    db = await createTestDatabase(kind);
    t = await startTestService(db, {
      processesDir: processesDirWith(['game-server-monitor.bpmn']),
      env: { PROCFLOW_MCSRVSTAT_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}`, PROCFLOW_SERVICE_RETRIES: '0' },
    });
    ops = await createUser(t, 'olivia', ['ops']);
  });

  afterAll(async () => {
    await t?.stop();
    await db?.drop();
    await new Promise((r) => api.close(r));
  });

  test('the documented online answer keeps its players by name, protocol and icon; Bedrock is asked at /bedrock/3/; offline is offline', async () => {
    const java = await t.as(ops).post('/api/game-servers').send({ name: 'Java', game: 'minecraft', host: 'java.example', provider: 'mcsrvstat' });
    const bedrock = await t.as(ops).post('/api/game-servers').send({ name: 'Bedrock', game: 'minecraftbe', host: 'bedrock.example', provider: 'mcsrvstat' });
    const gone = await t.as(ops).post('/api/game-servers').send({ name: 'Gone', game: 'minecraft', host: 'gone.example', provider: 'mcsrvstat' });
    expect(java.body).toMatchObject({ port: 25565, queryPort: 25565 });
    expect(bedrock.body).toMatchObject({ game: 'minecraftbe', port: 19132, queryPort: 19132 });
    expect((await t.as(ops).post('/api/game-servers/poll').send({})).status).toBe(202);

    const expected = {
      online: true,
      playersOnline: 2,
      playersMax: 100,
      motd: 'EverPvP - Én server, for alle\nSe dine stats på stats.everpvp.dk',
      version: '1.12',
      players: [
        { name: 'Spirit55555', id: 'f6792ad3-cbb4-4596-8296-749ee4158f97' },
        { name: 'sarsum33', id: 'd3512599-d4d9-4520-808f-a81f4cdfe8d0' },
      ],
      protocol: { version: 340, name: '1.12.2' },
      icon: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEU...dSk6AAAAAElFTkSuQmCC',
      sourceCheckedAt: '2018-02-13T20:20:20.000Z',
    };
    expect((await t.as(ops).get(`/api/game-servers/${java.body.id as string}`)).body).toMatchObject(expected);
    expect((await t.as(ops).get(`/api/game-servers/${bedrock.body.id as string}`)).body).toMatchObject(expected);
    expect((await t.as(ops).get(`/api/game-servers/${gone.body.id as string}`)).body).toMatchObject({
      online: false,
      error: 'mcsrvstat reports the server offline',
      players: null,
      icon: null,
    });
    expect(asked).toEqual(expect.arrayContaining(['/3/java.example:25565', '/bedrock/3/bedrock.example:19132', '/3/gone.example:25565']));
    expect(asked).not.toContain('/3/bedrock.example:19132');
  });
});
