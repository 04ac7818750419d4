// The shapes the API answers with, for the server's views and the web UI alike: each is inferred
// from the zod schema that describes that answer in /openapi.json, so the three cannot drift apart.
// Type-only on purpose: the web UI imports it with `import type`, and the bundle gets nothing of it.
import type { z } from 'zod';
import type * as core from '../http/schemas';
import type * as repair from '../http/repair-schemas';
import type * as statsAnswers from '../http/stats-schemas';
import type * as catalogue from '../areas/catalogue/http/catalogue-schemas';
import type * as games from '../areas/game-servers/http/game-server-schemas';
import type * as orders from '../areas/orders/http/order-schemas';

/** The envelope of every list answer (`listOf`). */
export type List<T> = Omit<z.infer<ReturnType<typeof core.listOf>>, 'items'> & { items: T[] };

export type Problem = z.infer<typeof core.problemSchema>;
export type User = z.infer<typeof core.userSchema>;
export type CreatedUser = z.infer<typeof core.createdUserSchema>;
export type TokenInfo = z.infer<typeof core.tokenInfoSchema>;
export type IssuedToken = z.infer<typeof core.issuedTokenSchema>;

export type ProcessDefinition = z.infer<typeof core.processDefinitionSchema>;
export type Deployment = z.infer<typeof core.deploymentSchema>;
export type DeployWarning = z.infer<typeof core.deployWarningSchema>;
export type ProcessInstance = z.infer<typeof core.processInstanceSchema>;
export type WaitingAt = ProcessInstance['waitingAt'][number];
export type HistoryEntry = z.infer<typeof core.historyEntrySchema>;
export type Task = z.infer<typeof core.taskSchema>;
export type FormField = Task['form']['fields'][number];
export type TaskCompleted = z.infer<typeof core.taskCompletedSchema>;
export type TaskComment = z.infer<typeof core.taskCommentSchema>;
export type ExternalTask = z.infer<typeof core.externalTaskSchema>;
export type ExternalTaskCompleted = z.infer<typeof core.externalTaskCompletedSchema>;
export type Incident = z.infer<typeof core.incidentSchema>;
export type BulkRetry = z.infer<typeof repair.bulkRetrySchema>;
export type BulkRetryResult = z.infer<typeof repair.bulkRetryResultSchema>;
export type Job = z.infer<typeof repair.jobSchema>;
/** The answer of a route that starts a process and returns at once. */
export type Started = z.infer<typeof core.startedSchema>;

export type Clock = z.infer<typeof core.clockSchema>;
export type Schedule = z.infer<typeof core.scheduleSchema>;

export type DefinitionStats = z.infer<typeof core.definitionStatsSchema>;
export type DurationSummary = DefinitionStats['duration'];
export type ActivityStatsAnswer = z.infer<typeof statsAnswers.activityStatsAnswerSchema>;
export type ActivityStats = ActivityStatsAnswer['items'][number];
export type TimelineBucket = z.infer<typeof core.timelineBucketSchema>;
export type Timeline = z.infer<typeof core.timelineSchema>;
export type TaskStats = z.infer<typeof core.taskStatsSchema>;
export type GroupStats = z.infer<typeof core.groupStatsSchema>;
export type TaskStatsAnswer = z.infer<typeof core.taskStatsAnswerSchema>;
export type WaitingStats = z.infer<typeof core.waitingStatsSchema>;

export type GameServer = z.infer<typeof games.gameServerSchema>;
export type GameServerSample = z.infer<typeof games.sampleSchema>;
export type GameServerEvent = z.infer<typeof games.gameEventSchema>;

export type Product = z.infer<typeof catalogue.productSchema>;
export type Customer = z.infer<typeof catalogue.customerSchema>;
export type SyncRun = z.infer<typeof catalogue.syncRunSchema>;

export type Order = z.infer<typeof orders.orderSchema>;
export type OrderStatus = Order['status'];
export type PlacedOrder = z.infer<typeof orders.placedOrderSchema>;
export type QuoteDocument = z.infer<typeof orders.quoteDocumentSchema>;
export type OrderNotification = z.infer<typeof orders.notificationSchema>;
