// Comments on a user task: whoever may see the task reads them (also once it is completed, as its
// history) and may add one while it is open; the author and the service clock's time are recorded.
import { AppError } from '../errors/app-error';
import type { Page, PageQuery, TaskCommentRecord, TaskRecord } from '../store/types';
import { requireCommentOnTask, requireReadTaskComments, type Actor } from './access';
import type { AppContext } from './context';

/** The longest comment, in characters. */
export const COMMENT_MAX_LENGTH = 2000;

export class TaskComments {
  constructor(private readonly ctx: AppContext) {}

  async list(actor: Actor, taskId: string, page: PageQuery): Promise<Page<TaskCommentRecord>> {
    const task = await this.found(taskId);
    requireReadTaskComments(actor, task);
    return this.ctx.store.tasks.comments.list(task.id, page);
  }

  async add(actor: Actor, taskId: string, message: string): Promise<TaskCommentRecord> {
    const task = await this.found(taskId);
    requireCommentOnTask(actor, task);
    const text = message.trim();
    if (!text || [...text].length > COMMENT_MAX_LENGTH) {
      throw new AppError('VALIDATION_FAILED', `a comment has 1 to ${COMMENT_MAX_LENGTH} characters, found ${[...text].length}`);
    }
    return this.ctx.store.tasks.comments.add({ taskId: task.id, author: actor.name, message: text, createdAt: this.ctx.clock.now().toISOString() });
  }

  private async found(id: string): Promise<TaskRecord> {
    const task = await this.ctx.store.tasks.get(id);
    if (!task) throw new AppError('TASK_NOT_FOUND', `task <${id}> does not exist`);
    return task;
  }
}
