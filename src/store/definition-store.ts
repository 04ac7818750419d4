// Deployments and process definitions: versions by key, content hashes, the XML as deployed.
import type { Knex } from 'knex';
import { parseJson, toBool, toIso } from './row-codec';
import type { DefinitionInfo, DefinitionRecord, DeploymentRecord } from './types';

type Row = Record<string, unknown>;

function toDefinition(r: Row): DefinitionRecord {
  return {
    id: String(r.id),
    key: String(r.key),
    name: (r.name as string | null) ?? null,
    version: Number(r.version),
    deploymentId: String(r.deployment_id),
    contentHash: String(r.content_hash),
    executable: toBool(r.executable),
    startable: toBool(r.startable),
    deployedAt: toIso(r.deployed_at) as string,
    info: parseJson<DefinitionInfo>(r.info, {} as DefinitionInfo),
  };
}

function toDeployment(r: Row): DeploymentRecord {
  return { id: String(r.id), name: String(r.name), contentHash: String(r.content_hash), deployedAt: toIso(r.deployed_at) as string };
}

const DEFINITION_COLUMNS = ['id', 'key', 'name', 'version', 'deployment_id', 'content_hash', 'executable', 'startable', 'info', 'deployed_at'];

export interface NewDefinition {
  key: string;
  name: string | null;
  executable: boolean;
  startable: boolean;
  info: DefinitionInfo;
}

export class DefinitionStore {
  constructor(private readonly knex: Knex) {}

  async findDeploymentByHash(hash: string): Promise<DeploymentRecord | undefined> {
    const row = (await this.knex('deployments').where({ content_hash: hash }).first()) as Row | undefined;
    return row ? toDeployment(row) : undefined;
  }

  async definitionsOfDeployment(deploymentId: string): Promise<DefinitionRecord[]> {
    const rows = (await this.knex('process_definitions').select(DEFINITION_COLUMNS).where({ deployment_id: deploymentId }).orderBy('key')) as Row[];
    return rows.map(toDefinition);
  }

  /**
   * Stores a deployment and its definitions, each at the next version of its key. A unique
   * violation (another node deployed the same file at the same moment) is reported to the caller.
   */
  async insertDeployment(deployment: DeploymentRecord, xml: string, definitions: NewDefinition[]): Promise<DefinitionRecord[]> {
    return this.knex.transaction(async (trx) => {
      await trx('deployments').insert({
        id: deployment.id,
        name: deployment.name,
        content_hash: deployment.contentHash,
        deployed_at: deployment.deployedAt,
      });
      const out: DefinitionRecord[] = [];
      for (const def of definitions) {
        const latest = (await trx('process_definitions').where({ key: def.key }).max({ v: 'version' }).first()) as Row | undefined;
        const version = Number(latest?.v ?? 0) + 1;
        const record: DefinitionRecord = {
          id: `${def.key}:${version}:${deployment.id.slice(0, 8)}`,
          key: def.key,
          name: def.name,
          version,
          deploymentId: deployment.id,
          contentHash: deployment.contentHash,
          executable: def.executable,
          startable: def.startable,
          deployedAt: deployment.deployedAt,
          info: def.info,
        };
        await trx('process_definitions').insert({
          id: record.id,
          key: record.key,
          name: record.name,
          version: record.version,
          deployment_id: record.deploymentId,
          content_hash: record.contentHash,
          xml,
          executable: record.executable,
          startable: record.startable,
          info: JSON.stringify(record.info),
          deployed_at: record.deployedAt,
        });
        out.push(record);
      }
      return out;
    });
  }

  async getById(id: string): Promise<DefinitionRecord | undefined> {
    const row = (await this.knex('process_definitions').select(DEFINITION_COLUMNS).where({ id }).first()) as Row | undefined;
    return row ? toDefinition(row) : undefined;
  }

  async getLatest(key: string): Promise<DefinitionRecord | undefined> {
    const row = (await this.knex('process_definitions').select(DEFINITION_COLUMNS).where({ key }).orderBy('version', 'desc').first()) as Row | undefined;
    return row ? toDefinition(row) : undefined;
  }

  async getVersion(key: string, version: number): Promise<DefinitionRecord | undefined> {
    const row = (await this.knex('process_definitions').select(DEFINITION_COLUMNS).where({ key, version }).first()) as Row | undefined;
    return row ? toDefinition(row) : undefined;
  }

  async getXml(id: string): Promise<string | undefined> {
    const row = (await this.knex('process_definitions').select('xml').where({ id }).first()) as Row | undefined;
    return row ? String(row.xml) : undefined;
  }

  async list(allVersions: boolean): Promise<DefinitionRecord[]> {
    const q = this.knex('process_definitions as d').select(DEFINITION_COLUMNS.map((c) => `d.${c}`));
    if (!allVersions) {
      q.whereRaw('d.version = (select max(d2.version) from process_definitions d2 where d2.key = d.key)');
    }
    const rows = (await q.orderBy([{ column: 'd.key' }, { column: 'd.version', order: 'desc' }])) as Row[];
    return rows.map(toDefinition);
  }
}
