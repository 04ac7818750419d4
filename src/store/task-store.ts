// User tasks: the task list, visibility by group or assignee, and claiming.
import type { Knex } from 'knex';
import { parseJson, toIso } from './row-codec';
import type { FormField, Page, PageQuery, TaskRecord } from './types';

type Row = Record<string, unknown>;

function toTask(r: Row): TaskRecord {
  return {
    id: String(r.id),
    processInstanceId: String(r.process_instance_id),
    definitionKey: String(r.definition_key),
    activityId: String(r.activity_id),
    executionId: String(r.execution_id),
    name: (r.name as string | null) ?? null,
    candidateGroups: parseJson<string[]>(r.candidate_groups, []),
    assignee: (r.assignee as string | null) ?? null,
    state: r.state as TaskRecord['state'],
    createdAt: toIso(r.created_at) as string,
    completedAt: toIso(r.completed_at),
    completedBy: (r.completed_by as string | null) ?? null,
    form: parseJson<{ fields: FormField[] }>(r.form, { fields: [] }),
    variables: parseJson<Record<string, unknown> | null>(r.variables, null),
  };
}

export interface TaskFilter {
  state?: string;
  candidateGroup?: string;
  assignee?: string;
  processInstanceId?: string;
  definitionKey?: string;
  /** Limit to tasks this user may act on: of one of its groups, or assigned to it. */
  visibleTo?: { name: string; groups: string[] };
}

export class TaskStore {
  constructor(private readonly knex: Knex) {}

  async get(id: string): Promise<TaskRecord | undefined> {
    const row = (await this.knex('tasks').where({ id }).first()) as Row | undefined;
    return row ? toTask(row) : undefined;
  }

  async list(filter: TaskFilter, page: PageQuery): Promise<Page<TaskRecord>> {
    const where = (q: Knex.QueryBuilder) => {
      if (filter.state) void q.where('t.state', filter.state);
      if (filter.assignee) void q.where('t.assignee', filter.assignee);
      if (filter.processInstanceId) void q.where('t.process_instance_id', filter.processInstanceId);
      if (filter.definitionKey) void q.where('t.definition_key', filter.definitionKey);
      if (filter.candidateGroup) {
        const group = filter.candidateGroup;
        void q.whereExists((s) => {
          void s.select(1).from('task_candidate_groups as g').whereRaw('g.task_id = t.id').andWhere('g.group_name', group);
        });
      }
      const who = filter.visibleTo;
      if (who) {
        void q.where((w) => {
          void w.where('t.assignee', who.name);
          if (who.groups.length) {
            void w.orWhere((w2) => {
              void w2.whereNull('t.assignee').whereExists((s) => {
                void s.select(1).from('task_candidate_groups as g').whereRaw('g.task_id = t.id').whereIn('g.group_name', who.groups);
              });
            });
          }
        });
      }
      return q;
    };
    const [countRow] = (await where(this.knex('tasks as t').count({ n: '*' }))) as Row[];
    const rows = (await where(this.knex('tasks as t').select('t.*'))
      .orderBy([{ column: 't.created_at' }, { column: 't.id' }])
      .limit(page.limit)
      .offset(page.offset)) as Row[];
    return { items: rows.map(toTask), total: Number(countRow?.n ?? 0) };
  }

  /** Sets the assignee if the task is open and unclaimed (or already the caller's). */
  async claim(id: string, assignee: string, at: string): Promise<boolean> {
    const n = await this.knex('tasks')
      .where({ id, state: 'open' })
      .andWhere((w) => void w.whereNull('assignee').orWhere('assignee', assignee))
      .update({ assignee, claimed_at: at });
    return n > 0;
  }
}
