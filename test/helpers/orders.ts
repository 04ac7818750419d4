// What the order tests share: catalogue products put straight into the products table (as a
// catalogue sync would leave them), and completing an instance's open task by its activity.
import type { TestService } from './test-service';

/** Products of family Jardin, packaging Forfait, minimum quantity 1: [code, description, price]. */
export async function insertGardenProducts(t: TestService, products: Array<[code: string, description: string, price: number]>): Promise<void> {
  const now = new Date().toISOString();
  await t.service.store.db.knex('products').insert(
    products.map(([code, description, price]) => ({
      code,
      source_id: code,
      description,
      family: 'Jardin',
      packaging: 'Forfait',
      price,
      min_quantity: 1,
      search_text: `${code.toLowerCase()} ${description.toLowerCase()} jardin`,
      content_hash: 'test',
      created_at: now,
      updated_at: now,
      synced_at: now,
    })),
  );
}

/** Completes the open task of `instanceId` at `activityId` as the holder of `token`. */
export async function completeTask(t: TestService, token: string, instanceId: string, activityId: string, variables: Record<string, unknown>): Promise<void> {
  const tasks = (await t.as(token).get(`/api/tasks?state=open&processInstanceId=${instanceId}`)).body.items as Array<{ id: string; activityId: string }>;
  const task = tasks.find((x) => x.activityId === activityId);
  if (!task) throw new Error(`no open task <${activityId}>; open: ${JSON.stringify(tasks.map((x) => x.activityId))}`);
  expect((await t.as(token).post(`/api/tasks/${task.id}/complete`).send({ variables })).status).toBe(200);
}
