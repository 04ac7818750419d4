// /docs: Swagger UI over /openapi.json, served offline from the swagger-ui-dist package (no CDN).
// The page's one inline script (the initializer) and one inline stylesheet are allowed by their
// hashes in its Content-Security-Policy (security-headers.ts); everything else comes from 'self'.
import path from 'node:path';
import express, { Router } from 'express';

/** Where the UI's static files are served from. */
export const SWAGGER_UI_PATH = '/docs/swagger-ui';

/** The swagger-ui-dist files (its package.json resolves where the package is installed). */
export function swaggerUiDir(): string {
  return path.dirname(require.resolve('swagger-ui-dist/package.json'));
}

const SERVED = new Set([
  '/swagger-ui.css',
  '/swagger-ui.css.map',
  '/swagger-ui-bundle.js',
  '/swagger-ui-bundle.js.map',
  '/favicon-32x32.png',
  '/favicon-16x16.png',
]);

/** Starts Swagger UI on /openapi.json: bearer authorization, no outside validator, no stored token. */
export const DOCS_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    validatorUrl: null,
    persistAuthorization: false,
    displayOperationId: true,
    docExpansion: 'none',
    filter: true,
    tryItOutEnabled: false,
  });
});
`;

const DOCS_CSS = `body { margin: 0; }
.procflow-docs-header { font-family: system-ui, sans-serif; padding: 0.6rem 1rem; background: #1f2933; color: #f5f7fa; }
.procflow-docs-header a { color: #9fd3ff; }
.procflow-docs-header .hint { margin-left: 1rem; color: #cbd2d9; font-size: 0.9em; }
.swagger-ui .wrapper { box-sizing: border-box; }
@media (max-width: 600px) { .procflow-docs-header .hint { display: block; margin: 0.3rem 0 0; } }
`;

export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>procflow API</title>
<link rel="stylesheet" href="${SWAGGER_UI_PATH}/swagger-ui.css">
<style>${DOCS_CSS}</style>
<link rel="icon" type="image/png" href="${SWAGGER_UI_PATH}/favicon-32x32.png" sizes="32x32">
</head>
<body>
<header class="procflow-docs-header"><strong>procflow API</strong> · <a href="/openapi.json">/openapi.json</a> · <a href="/">web UI</a>
<span class="hint">Authorize with a user token (bearer), then “Try it out”.</span></header>
<div id="swagger-ui"></div>
<script src="${SWAGGER_UI_PATH}/swagger-ui-bundle.js"></script>
<script>${DOCS_SCRIPT}</script>
</body>
</html>
`;

export function apiExplorer(): Router {
  const r = Router();
  // Only the files the page loads: not the package's own index.html, which points at a demo API.
  const files = express.static(swaggerUiDir(), { index: false, maxAge: '1d', fallthrough: false });
  r.use(SWAGGER_UI_PATH, (req, res, next) => (SERVED.has(req.path) ? files(req, res, next) : next()));
  return r;
}
