/* global process */
// Writes the Grafana boards of panels.mjs for both datasources:
//   dashboards/postgres/<board>.json  (Grafana's PostgreSQL datasource, uid procflow-postgres)
//   dashboards/sqlite/<board>.json    (frser-sqlite-datasource, uid procflow-sqlite)
// `node dashboards/generate.mjs` rewrites them; `--check` exits 1 when a file is out of date.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { boards } from './panels.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export const DATASOURCES = {
  postgres: { type: 'postgres', uid: 'procflow-postgres', label: 'Postgres' },
  sqlite: { type: 'frser-sqlite-datasource', uid: 'procflow-sqlite', label: 'SQLite' },
};

const TABLE_LIKE = new Set(['table', 'stat', 'barchart', 'bargauge', 'piechart']);

function sqlFor(spec, dialect) {
  const sql = spec.both ?? spec[dialect];
  if (!sql) throw new Error(`a query has no SQL for ${dialect}`);
  return sql;
}

function target(panel, spec, dialect, refId) {
  const ds = { type: DATASOURCES[dialect].type, uid: DATASOURCES[dialect].uid };
  const sql = sqlFor(spec, dialect);
  if (dialect === 'postgres') {
    return { refId, datasource: ds, editorMode: 'code', rawQuery: true, format: TABLE_LIKE.has(panel.type) ? 'table' : 'time_series', rawSql: sql };
  }
  return {
    refId,
    datasource: ds,
    queryType: TABLE_LIKE.has(panel.type) ? 'table' : 'time series',
    rawQueryText: sql,
    queryText: sql,
    timeColumns: ['time', 'ts', ...(panel.timeColumns ?? [])],
  };
}

function options(panel) {
  switch (panel.type) {
    case 'stat':
      return { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'none', textMode: 'value_and_name' };
    case 'barchart':
      return { orientation: 'horizontal', stacking: 'normal', showValue: 'auto', legend: { displayMode: 'list', placement: 'bottom', showLegend: true } };
    case 'table':
      return { showHeader: true, cellHeight: 'sm' };
    default:
      return { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'none' } };
  }
}

function variable(v, dialect) {
  const ds = { type: DATASOURCES[dialect].type, uid: DATASOURCES[dialect].uid };
  if (v.custom) {
    const choices = v.custom[dialect].map((c) => {
      const [text, value] = c.split(' : ');
      return { text, value };
    });
    const first = choices[0];
    return {
      type: 'custom',
      name: v.name,
      label: v.label,
      query: v.custom[dialect].join(','),
      current: { selected: true, text: first.text, value: first.value },
      options: choices.map((c, i) => ({ selected: i === 0, text: c.text, value: c.value })),
      hide: 0,
    };
  }
  return {
    type: 'query',
    name: v.name,
    label: v.label,
    datasource: ds,
    query: v.query,
    definition: v.query,
    refresh: 1,
    sort: 1,
    multi: v.multi ?? false,
    includeAll: v.includeAll ?? false,
    current: { selected: true, text: ['All'], value: ['$__all'] },
    hide: 0,
  };
}

export function buildBoard(board, dialect) {
  const ds = { type: DATASOURCES[dialect].type, uid: DATASOURCES[dialect].uid };
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const panels = board.panels.map((p, i) => {
    if (x + p.w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const gridPos = { x, y, w: p.w, h: p.h };
    x += p.w;
    rowHeight = Math.max(rowHeight, p.h);
    const specs = p.targets ?? [p.sql];
    return {
      id: i + 1,
      type: p.type,
      title: p.title,
      datasource: ds,
      gridPos,
      targets: specs.map((spec, j) => target(p, spec, dialect, String.fromCharCode(65 + j))),
      fieldConfig: {
        defaults: {
          ...(p.unit ? { unit: p.unit } : {}),
          ...(p.thresholds
            ? {
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    { color: 'green', value: null },
                    { color: 'red', value: p.thresholds[1] },
                  ],
                },
              }
            : {}),
        },
        overrides: (p.overrides ?? []).map((o) => ({ matcher: { id: 'byName', options: o.column }, properties: [{ id: 'unit', value: o.unit }] })),
      },
      options: options(p),
      procflow: { expectRows: p.expectRows ?? false },
    };
  });
  return {
    uid: `${board.uid}-${dialect === 'postgres' ? 'pg' : 'sqlite'}`,
    title: `${board.title} (${DATASOURCES[dialect].label})`,
    description: board.description,
    tags: ['procflow', dialect],
    timezone: 'utc',
    editable: true,
    graphTooltip: 1,
    refresh: '30s',
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-7d', to: 'now' },
    templating: { list: board.variables.map((v) => variable(v, dialect)) },
    annotations: { list: [] },
    panels,
  };
}

export function renderAll() {
  const files = new Map();
  for (const dialect of Object.keys(DATASOURCES)) {
    for (const board of boards) {
      const name = board.uid.replace(/^procflow-/, '');
      files.set(path.join(here, dialect, `${name}.json`), `${JSON.stringify(buildBoard(board, dialect), null, 2)}\n`);
    }
  }
  return files;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, content] of renderAll()) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (current === content) continue;
    if (check) {
      process.stderr.write(`${path.relative(process.cwd(), file)} is out of date: run node dashboards/generate.mjs\n`);
      stale++;
    } else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
    }
  }
  process.exit(stale ? 1 : 0);
}
