// The Grafana boards, written once: each panel has its SQL for Postgres (Grafana's built-in
// datasource and its macros) and for SQLite (frser-sqlite-datasource: $__from/$__to in epoch
// milliseconds and $__unixEpochGroupSeconds). generate.mjs turns this into dashboards/*/*.json.
//
// Conventions that keep both readable and correct:
// - Postgres columns are timestamptz; SQLite holds ISO 8601 text, turned into epoch seconds with
//   CAST(strftime('%s', col) AS INTEGER) and returned as `time` (a timeColumn of the query).
// - Percentiles use the nearest-rank rule with window functions (row_number / count), the same on
//   both databases and the same as GET /api/stats/* (SQLite has no percentile function).
// - `expectRows` marks panels that must return rows after the test workload (see
//   test/integration/grafana-dashboards.test.ts); the others may legitimately be empty.

const inDefinitions = (col) => `${col} IN (\${definition:singlequote})`;
const inServers = (col) => `${col} IN (\${server:singlequote})`;
const sqliteEpoch = (col) => `CAST(strftime('%s', ${col}) AS INTEGER)`;
const sqliteInRange = (epochCol) => `${epochCol} BETWEEN $__from / 1000 AND $__to / 1000`;
const sqliteSeconds = (from, to) => `(julianday(${to}) - julianday(${from})) * 86400.0`;
const pgSeconds = (from, to) => `extract(epoch FROM ${to} - ${from})`;

/** Rows of `table` per time bucket of `column` (optionally of one `state`), for the chosen definitions. */
const countPerBucket = ({ table, column, alias, cte, state }) => {
  const ofState = state ? `state = '${state}' AND ` : '';
  return {
    postgres: `SELECT $__timeGroupAlias(${column}, $bucket), count(*) AS ${alias}
FROM ${table}
WHERE ${ofState}$__timeFilter(${column}) AND ${inDefinitions('definition_key')}
GROUP BY 1
ORDER BY 1`,
    sqlite: `WITH ${cte} AS (
  SELECT ${sqliteEpoch(column)} AS ts FROM ${table} WHERE ${ofState}${inDefinitions('definition_key')}
)
SELECT $__unixEpochGroupSeconds(ts, $bucket) AS time, count(*) AS ${alias}
FROM ${cte}
WHERE ${sqliteInRange('ts')}
GROUP BY 1
ORDER BY 1`,
  };
};

/** A per-server time series over the raw samples, `aggregate` of one column per time bucket. */
const sampleSeries = (aggregate, column, alias) => ({
  postgres: `SELECT $__timeGroupAlias(s.checked_at, $interval), g.name AS metric, ${aggregate}(s.${column}) AS ${alias}
FROM game_server_samples s
JOIN game_servers g ON g.id = s.server_id
WHERE $__timeFilter(s.checked_at) AND ${inServers('g.name')}
GROUP BY 1, 2
ORDER BY 1`,
  sqlite: `WITH samples AS (
  SELECT ${sqliteEpoch('s.checked_at')} AS ts, g.name AS metric, s.${column}
  FROM game_server_samples s
  JOIN game_servers g ON g.id = s.server_id
  WHERE ${inServers('g.name')}
)
SELECT $__unixEpochGroupSeconds(ts, $interval) AS time, metric, ${aggregate}(${column}) AS ${alias}
FROM samples
WHERE ${sqliteInRange('ts')}
GROUP BY 1, 2
ORDER BY 1`,
});

/**
 * Samples of the chosen servers in the last `days` (Grafana's now, not the picked range): one row
 * per raw sample (n = 1) and per hourly roll-up (n = its samples), with `up` the online ones and
 * `at` comparable with the window bounds of `since` (timestamptz on Postgres, julianday on SQLite).
 */
const uptimeRows = (dialect, days) => {
  const since = (d) => (dialect === 'postgres' ? `now() - interval '${d} days'` : `julianday('now', '-${d} days')`);
  const at = (col) => (dialect === 'postgres' ? col : `julianday(${col})`);
  return `SELECT g.name, ${at('s.checked_at')} AS at, 1 AS n, CASE WHEN s.online THEN 1 ELSE 0 END AS up
  FROM game_server_samples s
  JOIN game_servers g ON g.id = s.server_id
  WHERE ${at('s.checked_at')} >= ${since(days)} AND ${inServers('g.name')}
  UNION ALL
  SELECT g.name, ${at('r.hour')} AS at, r.samples AS n, r.online_samples AS up
  FROM game_server_rollups r
  JOIN game_servers g ON g.id = r.server_id
  WHERE ${at('r.hour')} >= ${since(days)} AND ${inServers('g.name')}`;
};

/** Uptime in percent of the chosen servers' samples over the last `days`, one figure. */
const uptimeStat = (days, alias) => {
  const sql = (dialect) => `WITH w AS (
  ${uptimeRows(dialect, days)}
)
SELECT 100.0 * sum(up) / nullif(sum(n), 0) AS ${alias}, sum(n) AS samples
FROM w`;
  return { postgres: sql('postgres'), sqlite: sql('sqlite') };
};

/** Uptime per server over 24 h, 7 d and 30 d. */
const uptimeTable = () => {
  const sql = (dialect) => {
    const since = (d) => (dialect === 'postgres' ? `now() - interval '${d} days'` : `julianday('now', '-${d} days')`);
    const pct = (d, alias) =>
      `100.0 * sum(CASE WHEN at >= ${since(d)} THEN up END) / nullif(sum(CASE WHEN at >= ${since(d)} THEN n END), 0) AS ${alias}`;
    return `WITH w AS (
  ${uptimeRows(dialect, 30)}
)
SELECT name, ${pct(1, 'uptime_24h')}, ${pct(7, 'uptime_7d')}, ${pct(30, 'uptime_30d')}, sum(n) AS samples_30d
FROM w
GROUP BY name
ORDER BY name`;
  };
  return { postgres: sql('postgres'), sqlite: sql('sqlite') };
};

/** p50 / p95 / max of `seconds` per group, nearest rank; `source` yields (group columns…, seconds). */
const percentiles = (source, groupCols) => `WITH d AS (
  ${source}
), ranked AS (
  SELECT ${groupCols.join(', ')}, seconds,
         row_number() OVER (PARTITION BY ${groupCols.join(', ')} ORDER BY seconds) AS rn,
         count(*) OVER (PARTITION BY ${groupCols.join(', ')}) AS n
  FROM d
)
SELECT ${groupCols.join(', ')},
       max(n) AS completed,
       min(CASE WHEN rn >= 0.50 * n THEN seconds END) AS p50_s,
       min(CASE WHEN rn >= 0.95 * n THEN seconds END) AS p95_s,
       avg(seconds) AS avg_s,
       max(seconds) AS max_s
FROM ranked
GROUP BY ${groupCols.join(', ')}
ORDER BY ${groupCols.join(', ')}`;

/** Where running instances wait now: one row per (instance, activity), with since when. */
const waits = {
  postgres: `SELECT i.definition_key,
         w->>'activityId' AS activity_id,
         w->>'activityName' AS activity,
         w->>'type' AS type,
         coalesce((SELECT max(h.at) FROM history h
                   WHERE h.process_instance_id = i.id AND h.activity_id = w->>'activityId' AND h.event = 'start'),
                  i.updated_at) AS since
  FROM process_instances i CROSS JOIN LATERAL jsonb_array_elements(i.waiting_at::jsonb) w
  WHERE i.state = 'running' AND ${inDefinitions('i.definition_key')}`,
  sqlite: `SELECT i.definition_key,
         json_extract(w.value, '$.activityId') AS activity_id,
         json_extract(w.value, '$.activityName') AS activity,
         json_extract(w.value, '$.type') AS type,
         coalesce((SELECT max(h.at) FROM history h
                   WHERE h.process_instance_id = i.id AND h.activity_id = json_extract(w.value, '$.activityId') AND h.event = 'start'),
                  i.updated_at) AS since
  FROM process_instances i, json_each(i.waiting_at) w
  WHERE i.state = 'running' AND ${inDefinitions('i.definition_key')}`,
};

const definitionVariable = {
  name: 'definition',
  label: 'Definition',
  query: 'SELECT DISTINCT key FROM process_definitions ORDER BY key',
  multi: true,
  includeAll: true,
};
const bucketVariable = {
  name: 'bucket',
  label: 'Bucket',
  custom: { postgres: ['hour : 1h', '6 hours : 6h', 'day : 1d'], sqlite: ['hour : 3600', '6 hours : 21600', 'day : 86400'] },
};

export const boards = [
  {
    uid: 'procflow-process-overview',
    title: 'procflow — process overview',
    description: 'Instances by state, started and completed over time, durations, incidents, long-running instances.',
    variables: [definitionVariable, bucketVariable],
    panels: [
      {
        title: 'Running instances',
        type: 'stat',
        w: 6,
        h: 4,
        expectRows: true,
        sql: { both: `SELECT count(*) AS running FROM process_instances WHERE state = 'running' AND ${inDefinitions('definition_key')}` },
      },
      {
        title: 'Started in range',
        type: 'stat',
        w: 6,
        h: 4,
        expectRows: true,
        sql: {
          postgres: `SELECT count(*) AS started FROM process_instances WHERE $__timeFilter(started_at) AND ${inDefinitions('definition_key')}`,
          sqlite: `SELECT count(*) AS started FROM process_instances WHERE ${sqliteInRange(sqliteEpoch('started_at'))} AND ${inDefinitions('definition_key')}`,
        },
      },
      {
        title: 'Completed in range',
        type: 'stat',
        w: 6,
        h: 4,
        expectRows: true,
        sql: {
          postgres: `SELECT count(*) AS completed FROM process_instances WHERE state = 'completed' AND $__timeFilter(ended_at) AND ${inDefinitions('definition_key')}`,
          sqlite: `SELECT count(*) AS completed FROM process_instances WHERE state = 'completed' AND ${sqliteInRange(sqliteEpoch('ended_at'))} AND ${inDefinitions('definition_key')}`,
        },
      },
      {
        title: 'Open incidents',
        type: 'stat',
        w: 6,
        h: 4,
        expectRows: true,
        thresholds: [0, 1],
        sql: { both: `SELECT count(*) AS open_incidents FROM incidents WHERE state = 'open' AND ${inDefinitions('definition_key')}` },
      },
      {
        title: 'Instances by state',
        type: 'barchart',
        w: 10,
        h: 9,
        expectRows: true,
        sql: {
          both: `SELECT definition_key,
       sum(CASE WHEN state = 'running' THEN 1 ELSE 0 END) AS running,
       sum(CASE WHEN state = 'completed' THEN 1 ELSE 0 END) AS completed,
       sum(CASE WHEN state = 'failed' THEN 1 ELSE 0 END) AS failed,
       sum(CASE WHEN state = 'cancelled' THEN 1 ELSE 0 END) AS cancelled
FROM process_instances
WHERE ${inDefinitions('definition_key')}
GROUP BY definition_key
ORDER BY definition_key`,
        },
      },
      {
        title: 'Started and completed per $bucket',
        type: 'timeseries',
        w: 14,
        h: 9,
        expectRows: true,
        targets: [
          countPerBucket({ table: 'process_instances', column: 'started_at', alias: 'started', cte: 'started' }),
          countPerBucket({ table: 'process_instances', column: 'ended_at', alias: 'completed', cte: 'completed', state: 'completed' }),
        ],
      },
      {
        title: 'Duration of instances completed in range (p50 / p95)',
        type: 'table',
        w: 12,
        h: 8,
        unit: 's',
        expectRows: true,
        sql: {
          postgres: percentiles(
            `SELECT definition_key, ${pgSeconds('started_at', 'ended_at')} AS seconds
  FROM process_instances
  WHERE state = 'completed' AND $__timeFilter(ended_at) AND ${inDefinitions('definition_key')}`,
            ['definition_key'],
          ),
          sqlite: percentiles(
            `SELECT definition_key, ${sqliteSeconds('started_at', 'ended_at')} AS seconds
  FROM process_instances
  WHERE state = 'completed' AND ${sqliteInRange(sqliteEpoch('ended_at'))} AND ${inDefinitions('definition_key')}`,
            ['definition_key'],
          ),
        },
      },
      {
        title: 'Average duration of completed instances per $bucket',
        type: 'timeseries',
        w: 12,
        h: 8,
        unit: 's',
        expectRows: true,
        sql: {
          postgres: `SELECT $__timeGroupAlias(ended_at, $bucket), avg(${pgSeconds('started_at', 'ended_at')}) AS avg_duration
FROM process_instances
WHERE state = 'completed' AND $__timeFilter(ended_at) AND ${inDefinitions('definition_key')}
GROUP BY 1
ORDER BY 1`,
          sqlite: `WITH d AS (
  SELECT ${sqliteEpoch('ended_at')} AS ts, ${sqliteSeconds('started_at', 'ended_at')} AS seconds
  FROM process_instances
  WHERE state = 'completed' AND ${inDefinitions('definition_key')}
)
SELECT $__unixEpochGroupSeconds(ts, $bucket) AS time, avg(seconds) AS avg_duration
FROM d
WHERE ${sqliteInRange('ts')}
GROUP BY 1
ORDER BY 1`,
        },
      },
      {
        title: 'Open incidents',
        type: 'table',
        w: 12,
        h: 8,
        expectRows: true,
        timeColumns: ['since'],
        sql: {
          both: `SELECT created_at AS since, definition_key, process_instance_id, activity_id, kind, message, retries
FROM incidents
WHERE state = 'open' AND ${inDefinitions('definition_key')}
ORDER BY created_at DESC
LIMIT 100`,
        },
      },
      {
        title: 'Long-running instances (running longest)',
        type: 'table',
        w: 12,
        h: 8,
        expectRows: true,
        timeColumns: ['started_at'],
        overrides: [{ column: 'running_for', unit: 's' }],
        sql: {
          postgres: `SELECT id AS instance, definition_key, business_key, started_at,
       extract(epoch FROM now() - started_at) AS running_for,
       (SELECT string_agg(coalesce(w->>'activityName', w->>'activityId'), ', ') FROM jsonb_array_elements(waiting_at::jsonb) w) AS waiting_at
FROM process_instances
WHERE state = 'running' AND ${inDefinitions('definition_key')}
ORDER BY started_at
LIMIT 25`,
          sqlite: `SELECT id AS instance, definition_key, business_key, started_at,
       (julianday('now') - julianday(started_at)) * 86400.0 AS running_for,
       (SELECT group_concat(coalesce(json_extract(w.value, '$.activityName'), json_extract(w.value, '$.activityId')), ', ') FROM json_each(waiting_at) w) AS waiting_at
FROM process_instances
WHERE state = 'running' AND ${inDefinitions('definition_key')}
ORDER BY started_at
LIMIT 25`,
        },
      },
    ],
  },
  {
    uid: 'procflow-task-analytics',
    title: 'procflow — task analytics',
    description: 'User tasks: completion time per task, where instances wait now, open and completed work by group and by user.',
    variables: [definitionVariable, bucketVariable],
    panels: [
      {
        title: 'Completion time per user task (completed in range)',
        type: 'table',
        w: 24,
        h: 8,
        unit: 's',
        expectRows: true,
        sql: {
          postgres: percentiles(
            `SELECT definition_key, activity_id, coalesce(name, activity_id) AS task, ${pgSeconds('created_at', 'completed_at')} AS seconds
  FROM tasks
  WHERE state = 'completed' AND $__timeFilter(completed_at) AND ${inDefinitions('definition_key')}`,
            ['definition_key', 'activity_id', 'task'],
          ),
          sqlite: percentiles(
            `SELECT definition_key, activity_id, coalesce(name, activity_id) AS task, ${sqliteSeconds('created_at', 'completed_at')} AS seconds
  FROM tasks
  WHERE state = 'completed' AND ${sqliteInRange(sqliteEpoch('completed_at'))} AND ${inDefinitions('definition_key')}`,
            ['definition_key', 'activity_id', 'task'],
          ),
        },
      },
      {
        title: 'Waiting now: instances per activity and the oldest wait (bottleneck)',
        type: 'table',
        w: 14,
        h: 9,
        expectRows: true,
        overrides: [{ column: 'oldest_wait', unit: 's' }],
        sql: {
          postgres: `SELECT definition_key, activity, type, count(*) AS waiting, max(extract(epoch FROM now() - since)) AS oldest_wait
FROM (
  ${waits.postgres}
) waits
GROUP BY definition_key, activity, type
ORDER BY waiting DESC, oldest_wait DESC`,
          sqlite: `SELECT definition_key, activity, type, count(*) AS waiting, max((julianday('now') - julianday(since)) * 86400.0) AS oldest_wait
FROM (
  ${waits.sqlite}
) waits
GROUP BY definition_key, activity, type
ORDER BY waiting DESC, oldest_wait DESC`,
        },
      },
      {
        title: 'Open tasks by group',
        type: 'barchart',
        w: 10,
        h: 9,
        expectRows: true,
        sql: {
          both: `SELECT g.group_name AS candidate_group, count(*) AS open_tasks
FROM task_candidate_groups g
JOIN tasks t ON t.id = g.task_id
WHERE t.state = 'open' AND ${inDefinitions('t.definition_key')}
GROUP BY g.group_name
ORDER BY open_tasks DESC`,
        },
      },
      {
        title: 'Tasks completed per $bucket',
        type: 'timeseries',
        w: 12,
        h: 8,
        expectRows: true,
        sql: countPerBucket({ table: 'tasks', column: 'completed_at', alias: 'completed', cte: 'done', state: 'completed' }),
      },
      {
        title: 'Completed by group (in range)',
        type: 'table',
        w: 12,
        h: 8,
        expectRows: true,
        overrides: [{ column: 'avg_completion', unit: 's' }],
        sql: {
          postgres: `SELECT g.group_name AS candidate_group, count(*) AS completed, avg(${pgSeconds('t.created_at', 't.completed_at')}) AS avg_completion
FROM task_candidate_groups g
JOIN tasks t ON t.id = g.task_id
WHERE t.state = 'completed' AND $__timeFilter(t.completed_at) AND ${inDefinitions('t.definition_key')}
GROUP BY g.group_name
ORDER BY completed DESC`,
          sqlite: `SELECT g.group_name AS candidate_group, count(*) AS completed, avg(${sqliteSeconds('t.created_at', 't.completed_at')}) AS avg_completion
FROM task_candidate_groups g
JOIN tasks t ON t.id = g.task_id
WHERE t.state = 'completed' AND ${sqliteInRange(sqliteEpoch('t.completed_at'))} AND ${inDefinitions('t.definition_key')}
GROUP BY g.group_name
ORDER BY completed DESC`,
        },
      },
      {
        title: 'Completed by user (in range)',
        type: 'table',
        w: 12,
        h: 8,
        expectRows: true,
        overrides: [{ column: 'avg_completion', unit: 's' }],
        sql: {
          postgres: `SELECT coalesce(completed_by, '(none)') AS completed_by, count(*) AS completed, avg(${pgSeconds('created_at', 'completed_at')}) AS avg_completion
FROM tasks
WHERE state = 'completed' AND $__timeFilter(completed_at) AND ${inDefinitions('definition_key')}
GROUP BY 1
ORDER BY completed DESC`,
          sqlite: `SELECT coalesce(completed_by, '(none)') AS completed_by, count(*) AS completed, avg(${sqliteSeconds('created_at', 'completed_at')}) AS avg_completion
FROM tasks
WHERE state = 'completed' AND ${sqliteInRange(sqliteEpoch('completed_at'))} AND ${inDefinitions('definition_key')}
GROUP BY 1
ORDER BY completed DESC`,
        },
      },
      {
        title: 'Oldest open tasks',
        type: 'table',
        w: 12,
        h: 8,
        expectRows: true,
        timeColumns: ['since'],
        overrides: [{ column: 'waiting_for', unit: 's' }],
        sql: {
          postgres: `SELECT created_at AS since, definition_key, coalesce(name, activity_id) AS task, candidate_groups, assignee,
       extract(epoch FROM now() - created_at) AS waiting_for, process_instance_id
FROM tasks
WHERE state = 'open' AND ${inDefinitions('definition_key')}
ORDER BY created_at
LIMIT 50`,
          sqlite: `SELECT created_at AS since, definition_key, coalesce(name, activity_id) AS task, candidate_groups, assignee,
       (julianday('now') - julianday(created_at)) * 86400.0 AS waiting_for, process_instance_id
FROM tasks
WHERE state = 'open' AND ${inDefinitions('definition_key')}
ORDER BY created_at
LIMIT 50`,
        },
      },
    ],
  },
  {
    uid: 'procflow-game-servers',
    title: 'procflow — game servers',
    description: 'Uptime, online status, players over time, latency and status changes of the registered game servers (samples written by the game-server-monitor process).',
    variables: [
      { name: 'server', label: 'Server', query: 'SELECT DISTINCT name FROM game_servers ORDER BY name', multi: true, includeAll: true },
      {
        name: 'interval',
        label: 'Interval',
        custom: { postgres: ['5 minutes : 5m', '15 minutes : 15m', 'hour : 1h'], sqlite: ['5 minutes : 300', '15 minutes : 900', 'hour : 3600'] },
      },
    ],
    panels: [
      {
        title: 'Servers online',
        type: 'stat',
        w: 6,
        h: 8,
        expectRows: 'samples',
        sql: {
          both: `SELECT sum(CASE WHEN online THEN 1 ELSE 0 END) AS online, count(*) AS servers
FROM game_servers
WHERE ${inServers('name')}`,
        },
      },
      {
        title: 'Uptime 24 h',
        type: 'stat',
        w: 4,
        h: 5,
        unit: 'percent',
        expectRows: 'samples',
        sql: uptimeStat(1, 'uptime_24h'),
      },
      {
        title: 'Uptime 7 d',
        type: 'stat',
        w: 4,
        h: 5,
        unit: 'percent',
        expectRows: 'samples',
        sql: uptimeStat(7, 'uptime_7d'),
      },
      {
        title: 'Uptime 30 d',
        type: 'stat',
        w: 4,
        h: 5,
        unit: 'percent',
        expectRows: 'samples',
        sql: uptimeStat(30, 'uptime_30d'),
      },
      {
        title: 'Uptime per server (samples and hourly roll-ups)',
        type: 'table',
        w: 12,
        h: 5,
        expectRows: 'samples',
        overrides: [
          { column: 'uptime_24h', unit: 'percent' },
          { column: 'uptime_7d', unit: 'percent' },
          { column: 'uptime_30d', unit: 'percent' },
        ],
        sql: uptimeTable(),
      },
      {
        title: 'Status now',
        type: 'table',
        w: 18,
        h: 8,
        expectRows: 'samples',
        timeColumns: ['checked_at'],
        overrides: [{ column: 'latency_ms', unit: 'ms' }],
        sql: {
          both: `SELECT name,
       CASE WHEN online IS NULL THEN 'not checked' WHEN online THEN 'online' ELSE 'offline' END AS status,
       players_online, players_max, latency_ms, version, motd, game, host || ':' || port AS address, provider, checked_at, error
FROM game_servers
WHERE ${inServers('name')}
ORDER BY name`,
        },
      },
      {
        title: 'Players over time',
        type: 'timeseries',
        w: 12,
        h: 9,
        expectRows: 'samples',
        sql: sampleSeries('max', 'players_online', 'players'),
      },
      {
        title: 'Latency',
        type: 'timeseries',
        w: 12,
        h: 9,
        unit: 'ms',
        expectRows: 'samples',
        sql: sampleSeries('avg', 'latency_ms', 'latency'),
      },
      {
        title: 'Online (1) / offline (0)',
        type: 'timeseries',
        w: 12,
        h: 8,
        expectRows: 'samples',
        sql: {
          postgres: `SELECT s.checked_at AS time, g.name AS metric, CASE WHEN s.online THEN 1 ELSE 0 END AS online
FROM game_server_samples s
JOIN game_servers g ON g.id = s.server_id
WHERE $__timeFilter(s.checked_at) AND ${inServers('g.name')}
ORDER BY 1`,
          sqlite: `SELECT ${sqliteEpoch('s.checked_at')} AS time, g.name AS metric, CASE WHEN s.online THEN 1 ELSE 0 END AS online
FROM game_server_samples s
JOIN game_servers g ON g.id = s.server_id
WHERE ${sqliteInRange(sqliteEpoch('s.checked_at'))} AND ${inServers('g.name')}
ORDER BY 1`,
        },
      },
      {
        title: 'Average players per hour (roll-ups of older samples)',
        type: 'timeseries',
        w: 12,
        h: 8,
        sql: {
          postgres: `SELECT r.hour AS time, g.name AS metric, r.players_sum::float / nullif(r.players_samples, 0) AS avg_players
FROM game_server_rollups r
JOIN game_servers g ON g.id = r.server_id
WHERE $__timeFilter(r.hour) AND ${inServers('g.name')}
ORDER BY 1`,
          sqlite: `SELECT ${sqliteEpoch('r.hour')} AS time, g.name AS metric, r.players_sum * 1.0 / nullif(r.players_samples, 0) AS avg_players
FROM game_server_rollups r
JOIN game_servers g ON g.id = r.server_id
WHERE ${sqliteInRange(sqliteEpoch('r.hour'))} AND ${inServers('g.name')}
ORDER BY 1`,
        },
      },
      {
        title: 'Status changes',
        type: 'table',
        w: 24,
        h: 8,
        timeColumns: ['at'],
        sql: {
          postgres: `SELECT e.at, e.server_name, CASE WHEN e.online THEN 'online' ELSE 'offline' END AS status, e.message, e.delivery
FROM game_server_events e
WHERE $__timeFilter(e.at) AND ${inServers('e.server_name')}
ORDER BY e.at DESC
LIMIT 100`,
          sqlite: `SELECT e.at, e.server_name, CASE WHEN e.online THEN 'online' ELSE 'offline' END AS status, e.message, e.delivery
FROM game_server_events e
WHERE ${sqliteInRange(sqliteEpoch('e.at'))} AND ${inServers('e.server_name')}
ORDER BY e.at DESC
LIMIT 100`,
        },
      },
      {
        title: 'Status-change history (how long the previous state lasted)',
        type: 'table',
        w: 24,
        h: 8,
        timeColumns: ['at'],
        overrides: [{ column: 'previous_state_for', unit: 's' }],
        sql: {
          postgres: `SELECT at, server_name, status, previous_state_for, message
FROM (
  SELECT e.at, e.server_name, CASE WHEN e.online THEN 'online' ELSE 'offline' END AS status, e.message,
         extract(epoch FROM e.at - lag(e.at) OVER (PARTITION BY e.server_id ORDER BY e.at, e.id)) AS previous_state_for
  FROM game_server_events e
  WHERE ${inServers('e.server_name')}
) h
WHERE $__timeFilter(at)
ORDER BY at DESC
LIMIT 200`,
          sqlite: `SELECT at, server_name, status, previous_state_for, message
FROM (
  SELECT e.at, e.server_name, CASE WHEN e.online THEN 'online' ELSE 'offline' END AS status, e.message,
         (julianday(e.at) - julianday(lag(e.at) OVER (PARTITION BY e.server_id ORDER BY e.at, e.id))) * 86400.0 AS previous_state_for
  FROM game_server_events e
  WHERE ${inServers('e.server_name')}
) h
WHERE ${sqliteInRange(sqliteEpoch('at'))}
ORDER BY at DESC
LIMIT 200`,
        },
      },
    ],
  },
];
