// The service clock as the page sees it: read once per page load (GET /api/clock), then run on at
// its speed, so that "waiting for" and "running for" are measured against the service's time, not
// the browser's (the two differ once the clock was set forward or runs fast).
import type { Clock } from '@contract';
import { api } from './api';

let reading: { serviceMs: number; browserMs: number; speed: number } | undefined;
let loading: Promise<void> | undefined;

/** Reads the service clock once; later calls wait for the same reading. Failures leave the browser's clock. */
export function loadServiceClock(): Promise<void> {
  loading ??= api<Clock>('/api/clock')
    .then((clock) => {
      reading = { serviceMs: new Date(clock.now).getTime(), browserMs: Date.now(), speed: clock.speed };
    })
    .catch(() => {
      loading = undefined;
    });
  return loading;
}

/** Now on the service clock (the browser's clock until the service's was read). */
export function serviceNow(): number {
  if (!reading) return Date.now();
  return reading.serviceMs + (Date.now() - reading.browserMs) * reading.speed;
}

/** Forgets the reading (after the clock was changed from this page). */
export function resetServiceClock(): void {
  reading = undefined;
  loading = undefined;
}
