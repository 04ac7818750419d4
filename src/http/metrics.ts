// Prometheus metrics (prom-client), one registry per service instance.
import client from 'prom-client';
import type { RequestHandler } from 'express';
import type { RuntimeMetrics } from '../app/records';

export class HttpMetrics {
  readonly registry = new client.Registry();
  private readonly started = new client.Counter({
    name: 'procflow_instances_started_total',
    help: 'Process instances started',
    labelNames: ['definition'],
    registers: [this.registry],
  });
  private readonly ended = new client.Counter({
    name: 'procflow_instances_ended_total',
    help: 'Process instances ended, by final state',
    labelNames: ['definition', 'state'],
    registers: [this.registry],
  });
  private readonly tasks = new client.Counter({
    name: 'procflow_task_completions_total',
    help: 'User tasks completed',
    labelNames: ['definition'],
    registers: [this.registry],
  });
  private readonly conflicts = new client.Counter({
    name: 'procflow_lock_conflicts_total',
    help: 'Events that found the instance changed by someone else',
    registers: [this.registry],
  });
  readonly jobLag = new client.Gauge({
    name: 'procflow_job_lag_seconds',
    help: 'How late the oldest due timer was when last picked up',
    registers: [this.registry],
  });
  private readonly latency = new client.Histogram({
    name: 'procflow_http_request_duration_seconds',
    help: 'HTTP request latency',
    // `code`: Prometheus's conventional name for the HTTP status.
    labelNames: ['method', 'route', 'code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor() {
    client.collectDefaultMetrics({ register: this.registry });
  }

  runtime(): RuntimeMetrics {
    return {
      onInstanceStarted: (d) => this.started.inc({ definition: d }),
      onInstanceEnded: (d, s) => this.ended.inc({ definition: d, state: s }),
      onTaskCompleted: (d) => this.tasks.inc({ definition: d }),
      onConflict: () => this.conflicts.inc(),
    };
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      const end = this.latency.startTimer();
      res.on('finish', () => {
        const routePath = (req.route as { path?: string } | undefined)?.path;
        // Express resets req.baseUrl when an error leaves a router: the base recorded on the way in counts.
        const base = (res.locals.routeBase as string | undefined) ?? req.baseUrl;
        end({ method: req.method, route: routePath ? `${base}${routePath}` : 'unmatched', code: String(res.statusCode) });
      });
      next();
    };
  }

  /** Mounted first in a router: remembers where it is mounted, for the route label. */
  routeBase(): RequestHandler {
    return (req, res, next) => {
      res.locals.routeBase = req.baseUrl;
      next();
    };
  }
}
