// Builds the web UI once, before any test file runs: the browser tests serve web/dist, and a
// build in each of them would delete web/dist/assets while a parallel worker's page still loads
// it. The browser tests' buildWebUi() sees PROCFLOW_WEB_UI_BUILT and does not build again.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export default function globalSetup(): void {
  const root = path.resolve(__dirname, '..');
  const build = spawnSync(process.execPath, [path.join(root, 'web', 'build.mjs')], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`node web/build.mjs failed:\n${build.stdout}\n${build.stderr}`);
  process.env.PROCFLOW_WEB_UI_BUILT = '1';
}
