// Deploys every .bpmn file of the processes folder at start; unchanged files are not redeployed.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'winston';
import type { Deployer } from './deployer';

export async function deployDirectory(dir: string, deployer: Deployer, logger: Logger): Promise<number> {
  if (!fs.existsSync(dir)) {
    logger.warn(`processes folder <${dir}> does not exist; nothing deployed at start`);
    return 0;
  }
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.bpmn'))
    .sort();
  let created = 0;
  for (const file of files) {
    try {
      const result = await deployer.deploy(fs.readFileSync(path.join(dir, file)), file);
      if (result.created) created++;
    } catch (err) {
      logger.error(`could not deploy <${file}>: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return created;
}
