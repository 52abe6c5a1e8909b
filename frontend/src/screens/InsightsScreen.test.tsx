import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { json, mockFetch } from '../test/http';
import { renderWithClient } from '../test/render';
import InsightsScreen from './InsightsScreen';

beforeAll(() => {
  // jsdom has no layout; Recharts' ResponsiveContainer only needs the observer to exist.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

const period = { timezone: 'UTC', granularity: 'day', from: '2026-12-01', to: '2026-12-02' };
const zero = { requests: 0, failures: 0, tokens_in: 0, tokens_out: 0, cost_micro_usd: 0 };
const answers: Record<string, unknown> = {
  summary: {
    period,
    tasks: { created: 4, completed: 3, overdue: 1, completion_rate: 0.75 },
    pomodoro: { focus_minutes: 50, sessions: 2, interruptions: 0 },
    goals: { goals: 0, average_progress: null },
    activities: { count: 0, minutes: 0, streaks_alive: 0 },
    ai: { requests: 0, failures: 0, tokens: 0, cost_micro_usd: 0 },
  },
  tasks: {
    period,
    buckets: [
      { start: '2026-12-01', created: 3, completed: 1, overdue: 0 },
      { start: '2026-12-02', created: 1, completed: 2, overdue: 1 },
    ],
    totals: { created: 4, completed: 3, overdue: 1, lead_time_seconds: {}, cycle_time_seconds: {} },
    by_project: [],
    by_goal: [],
  },
  pomodoro: { period, buckets: [{ start: '2026-12-01', focus_minutes: 0, sessions: 0, interruptions: 0 }], totals: { focus_minutes: 0, sessions: 0, interruptions: 0 }, by_task: [] },
  activities: { period, buckets: [], by_type: [], streaks: [] },
  ai: { period, buckets: [], by_model: [], totals: zero, latency_ms: {} },
};

describe('InsightsScreen', () => {
  it('shows the summary, a chart with its figures, and empty states for empty parts', async () => {
    const { requests } = mockFetch((r) => {
      const kind = new URL(r.url).pathname.split('/').pop()!;
      return kind in answers ? json(answers[kind]) : undefined;
    });
    renderWithClient(<InsightsScreen />);
    const summary = await screen.findByRole('list', { name: 'Summary' });
    expect(within(summary).getByText('Tasks completed').parentElement).toHaveTextContent('3of 4 created · 75 %');
    expect(within(summary).getByText('50 min')).toBeInTheDocument();

    const tasks = await screen.findByRole('figure', { name: 'Tasks created and completed' });
    const rows = await within(tasks).findAllByRole('row');
    expect(rows.map((r) => r.textContent)).toEqual(['PeriodCreatedCompletedOverdue', '1 Dec310', '2 Dec121']);
    // All-zero focus, no activity, no AI request: said so instead of an empty chart.
    expect(await screen.findByText('No focus session in this period.')).toBeInTheDocument();
    expect(await screen.findByText('No activity with mood or energy in this period.')).toBeInTheDocument();
    expect(await screen.findByText('No AI request in this period.')).toBeInTheDocument();
    const asked = requests.find((r) => r.url.includes('/analytics/tasks'))!;
    expect(new URL(asked.url).searchParams.get('granularity')).toBe('day');
  });

  it("refuses a reversed period without asking, then asks for the chosen one; shows the server's error", async () => {
    const { requests } = mockFetch((r) => {
      const url = new URL(r.url);
      if (url.searchParams.get('granularity') === 'week') return json({ status: 422, title: 'Unprocessable', detail: 'The range is too long.' }, 422);
      const kind = url.pathname.split('/').pop()!;
      return kind in answers ? json(answers[kind]) : undefined;
    });
    renderWithClient(<InsightsScreen />);
    await screen.findByRole('list', { name: 'Summary' });
    const before = requests.length;
    await userEvent.clear(screen.getByLabelText('From'));
    await userEvent.type(screen.getByLabelText('From'), '2030-01-01');
    await userEvent.click(screen.getByRole('button', { name: 'Show' }));
    expect(screen.getByRole('alert')).toHaveTextContent('The end comes before the start.');
    expect(requests.length).toBe(before);

    await userEvent.clear(screen.getByLabelText('From'));
    await userEvent.type(screen.getByLabelText('From'), '2026-11-01');
    await userEvent.selectOptions(screen.getByLabelText('By'), 'week');
    await userEvent.click(screen.getByRole('button', { name: 'Show' }));
    await waitFor(() => expect(screen.getAllByRole('alert')[0]).toHaveTextContent('The range is too long.'));
    expect(new URL(requests.at(-1)!.url).searchParams.get('from')).toBe('2026-11-01');
  });
});
