/* global process */
// Bundles the web UI (web/src) with esbuild into web/dist: one script, one stylesheet (with
// bpmn-js's CSS and font) and an index.html that names them. Everything comes from npm at build
// time; the page loads nothing from elsewhere. `node web/build.mjs [--watch]`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(webDir, 'dist');
const watch = process.argv.includes('--watch');

/** Writes index.html naming the hashed bundles of a build. */
function writeIndex(metafile) {
  const outputs = Object.entries(metafile.outputs);
  const [js, meta] = outputs.find(([, o]) => o.entryPoint && o.entryPoint.endsWith('src/main.ts')) ?? [];
  if (!js || !meta) throw new Error('the build produced no script for web/src/main.ts');
  const asset = (file) => `/assets/${path.basename(file)}`;
  const template = fs.readFileSync(path.join(webDir, 'index.html'), 'utf8');
  const html = template
    .replace('<!-- styles -->', meta.cssBundle ? `<link rel="stylesheet" href="${asset(meta.cssBundle)}">` : '')
    .replace('<!-- script -->', `<script type="module" src="${asset(js)}"></script>`);
  fs.writeFileSync(path.join(outDir, 'index.html'), html);
}

/** @type {import('esbuild').BuildOptions} */
const options = {
  entryPoints: [path.join(webDir, 'src', 'main.ts')],
  bundle: true,
  outdir: path.join(outDir, 'assets'),
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  publicPath: '/assets',
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  minify: !watch,
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file' },
  plugins: [
    {
      name: 'index-html',
      setup(build) {
        build.onStart(() => fs.rmSync(path.join(outDir, 'assets'), { recursive: true, force: true }));
        build.onEnd((result) => {
          if (!result.errors.length && result.metafile) writeIndex(result.metafile);
        });
      },
    },
  ],
};

fs.mkdirSync(outDir, { recursive: true });
if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  process.stdout.write('watching web/src for changes\n');
} else {
  await esbuild.build(options);
  process.stdout.write(`web UI built into ${path.relative(process.cwd(), outDir) || outDir}\n`);
}
