// User tasks: the task list (with its instance's business key, one query), visibility by group or
// assignee, sorting, and claiming, unclaiming and assigning.
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
    businessKey: (r.business_key as string | null) ?? null,
  };
}

/** What the task list can be ordered by. */
export const TASK_SORTS = ['createdAt', 'completedAt', 'name', 'businessKey'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];

const SORT_COLUMNS: Record<TaskSort, string> = {
  createdAt: 't.created_at',
  completedAt: 't.completed_at',
  name: 't.name',
  businessKey: 'i.business_key',
};

export interface TaskFilter {
  state?: string;
  candidateGroup?: string;
  assignee?: string;
  processInstanceId?: string;
  definitionKey?: string;
  businessKey?: string;
  completedBy?: string;
  /** Limit to tasks this user may see: of one of its groups, assigned to it, or completed by it. */
  visibleTo?: { name: string; groups: string[] };
}

export interface TaskOrder {
  sort?: TaskSort;
  order?: 'asc' | 'desc';
}

export class TaskStore {
  constructor(private readonly knex: Knex) {}

  private withInstance(): Knex.QueryBuilder {
    return this.knex('tasks as t').leftJoin('process_instances as i', 'i.id', 't.process_instance_id');
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const row = (await this.withInstance().select('t.*', 'i.business_key').where('t.id', id).first()) as Row | undefined;
    return row ? toTask(row) : undefined;
  }

  async list(filter: TaskFilter, page: PageQuery, order: TaskOrder = {}): Promise<Page<TaskRecord>> {
    const where = (q: Knex.QueryBuilder) => {
      if (filter.state) void q.where('t.state', filter.state);
      if (filter.assignee) void q.where('t.assignee', filter.assignee);
      if (filter.processInstanceId) void q.where('t.process_instance_id', filter.processInstanceId);
      if (filter.definitionKey) void q.where('t.definition_key', filter.definitionKey);
      if (filter.businessKey) void q.where('i.business_key', filter.businessKey);
      if (filter.completedBy) void q.where('t.completed_by', filter.completedBy);
      if (filter.candidateGroup) {
        const group = filter.candidateGroup;
        void q.whereExists((s) => {
          void s.select(1).from('task_candidate_groups as g').whereRaw('g.task_id = t.id').andWhere('g.group_name', group);
        });
      }
      const who = filter.visibleTo;
      if (who) {
        void q.where((w) => {
          void w.where('t.assignee', who.name).orWhere('t.completed_by', who.name);
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
    const direction = order.order ?? 'asc';
    const column = SORT_COLUMNS[order.sort ?? 'createdAt'];
    const [countRow] = (await where(this.withInstance().count({ n: '*' }))) as Row[];
    const rows = (await where(this.withInstance().select('t.*', 'i.business_key'))
      // Tasks without the sorted value (no name, not completed, no business key) come last either way.
      .orderByRaw(`case when ${column} is null then 1 else 0 end`)
      .orderBy([
        { column, order: direction },
        { column: 't.created_at', order: direction },
        { column: 't.id', order: direction },
      ])
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

  /**
   * Gives an open task to `assignee` (null: back to its candidate groups), provided its assignee
   * is still the one the caller saw (`from`): a concurrent change makes it refuse.
   */
  async reassign(id: string, from: string | null, assignee: string | null, at: string): Promise<boolean> {
    const q = this.knex('tasks').where({ id, state: 'open' });
    if (from === null) void q.whereNull('assignee');
    else void q.where('assignee', from);
    const n = await q.update({ assignee, claimed_at: assignee === null ? null : at });
    return n > 0;
  }
}
