// Comments people leave on a user task: written one at a time, read oldest first. They stay with
// the task row after it is completed (and go with it when its instance is deleted).
import type { Knex } from 'knex';
import { toIso } from './row-codec';
import type { Page, PageQuery, TaskCommentRecord } from './types';

type Row = Record<string, unknown>;

function toComment(r: Row): TaskCommentRecord {
  return {
    id: String(r.id),
    taskId: String(r.task_id),
    author: String(r.author),
    message: String(r.message),
    createdAt: toIso(r.created_at) as string,
  };
}

export class TaskCommentStore {
  constructor(private readonly knex: Knex) {}

  async add(comment: Omit<TaskCommentRecord, 'id'>): Promise<TaskCommentRecord> {
    const inserted: unknown = await this.knex('task_comments')
      .insert({ task_id: comment.taskId, author: comment.author, message: comment.message, created_at: comment.createdAt })
      .returning('id');
    const [row] = inserted as Array<Row | number>;
    const id = typeof row === 'object' ? row.id : row;
    return { ...comment, id: String(id) };
  }

  async list(taskId: string, page: PageQuery): Promise<Page<TaskCommentRecord>> {
    const counted: unknown = await this.knex('task_comments').where('task_id', taskId).count({ n: '*' });
    const [countRow] = counted as Row[];
    const rows = (await this.knex('task_comments')
      .where('task_id', taskId)
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(page.limit)
      .offset(page.offset)) as Row[];
    return { items: rows.map(toComment), total: Number(countRow?.n ?? 0) };
  }
}
