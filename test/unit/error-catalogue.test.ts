// docs/errors.md and src/errors/codes.ts must list the same codes with the same statuses.
import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CODES } from '../../src/errors/codes';

test('every error code in the catalogue is documented in docs/errors.md with its status, and nothing more', () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'errors.md'), 'utf8');
  const documented = new Map([...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1] as string, Number(m[2])]));
  const catalogue = new Map(Object.entries(ERROR_CODES).map(([code, spec]) => [code, spec.status as number]));
  expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(catalogue));
});
