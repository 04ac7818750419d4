// A processes folder holding only some of the repository's processes/*.bpmn, so that a test
// deploys exactly the diagrams it is about (as the service would, at start).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const PROCESSES = path.resolve(__dirname, '..', '..', 'processes');

export function processesDirWith(files: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procflow-processes-'));
  for (const f of files) fs.copyFileSync(path.join(PROCESSES, f), path.join(dir, f));
  return dir;
}
