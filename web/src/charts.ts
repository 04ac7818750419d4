// Chart.js with only the pieces the pages use (keeps the bundle small), and two chart shapes.
import { BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);
Chart.defaults.animation = false;
Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue('--font').trim() || 'system-ui, sans-serif';

export const PALETTE = ['#2563eb', '#16a34a', '#f59e0b', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];

export interface Series {
  label: string;
  values: Array<number | null>;
  color?: string;
}

/** Bars or lines over category labels (time buckets, activities). */
export function categoryChart(
  canvas: HTMLCanvasElement,
  type: 'bar' | 'line',
  labels: string[],
  series: Series[],
  opts: { stacked?: boolean; horizontal?: boolean } = {},
): Chart {
  return new Chart(canvas, {
    type,
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.label,
        data: s.values,
        borderColor: s.color ?? PALETTE[i % PALETTE.length],
        backgroundColor: `${s.color ?? PALETTE[i % PALETTE.length]}${type === 'bar' ? 'cc' : '33'}`,
        fill: type === 'line',
        tension: 0.25,
        pointRadius: 2,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: opts.horizontal ? 'y' : 'x',
      scales: opts.horizontal
        ? { x: { beginAtZero: true, ticks: { precision: 0 } }, y: {} }
        : { x: { stacked: opts.stacked ?? false }, y: { beginAtZero: true, stacked: opts.stacked ?? false, ticks: { precision: 0 } } },
      plugins: { legend: { position: 'bottom' } },
    },
  });
}

/** Lines over real time (x in epoch milliseconds), one per series; points may be irregular. */
export function timeChart(
  canvas: HTMLCanvasElement,
  series: Array<{ label: string; points: Array<{ x: number; y: number | null }> }>,
  yTitle: string,
  range: { min: number; max: number },
): Chart {
  const span = range.max - range.min;
  const fmt = (ms: number) =>
    new Date(ms).toLocaleString(
      undefined,
      span > 2 * 86_400_000 ? { month: 'short', day: '2-digit', hour: '2-digit' } : { hour: '2-digit', minute: '2-digit' },
    );
  return new Chart(canvas, {
    type: 'line',
    data: {
      datasets: series.map((s, i) => ({
        label: s.label,
        data: s.points,
        borderColor: PALETTE[i % PALETTE.length],
        backgroundColor: `${PALETTE[i % PALETTE.length]}33`,
        tension: 0.2,
        pointRadius: 1.5,
        spanGaps: false,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      scales: {
        x: { type: 'linear', min: range.min, max: range.max, ticks: { callback: (v) => fmt(Number(v)), maxTicksLimit: 8 } },
        y: { beginAtZero: true, title: { display: true, text: yTitle }, ticks: { precision: 0 } },
      },
      plugins: { legend: { position: 'bottom' }, tooltip: { callbacks: { title: (items) => (items[0] ? fmt(items[0].parsed.x ?? 0) : '') } } },
    },
  });
}

/** A canvas in a box of fixed height (Chart.js sizes to its parent). */
export function chartBox(height = 260): { box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = document.createElement('canvas');
  const box = document.createElement('div');
  box.className = 'chart';
  box.style.height = `${height}px`;
  box.appendChild(canvas);
  return { box, canvas };
}
