// Security headers on every answer, API and web UI alike. The UI's bundle is served from /assets
// (one script, one stylesheet, fonts and images from /assets or data: URIs) and talks only to this
// origin; bpmn-js styles the diagram through the CSSOM, which style-src does not restrict, so no
// 'unsafe-inline' is needed (test/e2e/web-ui.test.ts fails on any violation). /docs (Swagger UI,
// api-explorer.ts) loads Swagger UI's script and stylesheet from this origin too (swagger-ui-dist,
// served from node_modules); its one inline script (the initializer) and one inline stylesheet are
// allowed by their hashes, on /docs only (test/e2e/api-explorer-ui.test.ts fails on any
// violation). No page allows 'unsafe-inline' or 'unsafe-eval'.
import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { DOCS_PAGE } from './openapi';

function policy(extra: { script?: string[]; style?: string[] } = {}): string {
  return [
    "default-src 'self'",
    ["script-src 'self'", ...(extra.script ?? [])].join(' '),
    ["style-src 'self'", ...(extra.style ?? [])].join(' '),
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** CSP hash sources of a page's inline `<script>` or `<style>` elements. */
function inlineHashes(html: string, tag: 'script' | 'style'): string[] {
  return [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map(
    (m) =>
      `'sha256-${crypto
        .createHash('sha256')
        .update(m[1] as string)
        .digest('base64')}'`,
  );
}

const PAGE_POLICY = policy();
const DOCS_POLICY = policy({ script: inlineHashes(DOCS_PAGE, 'script'), style: inlineHashes(DOCS_PAGE, 'style') });

export function securityHeaders(): RequestHandler {
  return (req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Content-Security-Policy', req.path === '/docs' ? DOCS_POLICY : PAGE_POLICY);
    next();
  };
}
