// The web UI: the single-page app bundled by web/build.mjs into web/dist, served at `/`. Any GET
// outside /api that asks for HTML gets index.html, so that the app's own paths can be reloaded.
import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { apiExplorer } from './api-explorer';

/** web/dist as seen from src/http (ts-jest) and from dist/src/http (the compiled service). */
export function findWebDist(): string | undefined {
  const candidates = [path.resolve(__dirname, '..', '..', 'web', 'dist'), path.resolve(__dirname, '..', '..', '..', 'web', 'dist')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html')));
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>procflow</title></head>
<body style="font-family:sans-serif;margin:3rem"><h1>procflow</h1>
<p>The web UI has not been built. Run <code>npm run build</code> (or <code>node web/build.mjs</code>) and reload.</p>
<p>The API is at <a href="/docs">/docs</a>.</p></body></html>`;

export function webUi(dir: string | undefined = findWebDist()): Router {
  const r = Router();
  // /docs's Swagger UI files, whether or not the app is built (the page itself: ops-routes.ts).
  r.use(apiExplorer());
  const wantsPage = (req: express.Request) =>
    (req.method === 'GET' || req.method === 'HEAD') && !req.path.startsWith('/api/') && req.path !== '/api' && req.accepts(['html', 'json']) === 'html';

  if (!dir) {
    r.use((req, res, next) => {
      if (!wantsPage(req)) return next();
      res.status(503).type('html').send(NOT_BUILT);
    });
    return r;
  }

  // Bundles carry a content hash in their names and never change; index.html always revalidates.
  r.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', fallthrough: true, index: false }));
  const index = path.join(dir, 'index.html');
  r.use((req, res, next) => {
    if (!wantsPage(req)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return r;
}
