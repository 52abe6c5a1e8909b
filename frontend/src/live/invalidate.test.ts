import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLiveInvalidator } from './invalidate';

const change = (entity_type: string) => ({ entity_type, entity_id: 'x' });

describe('live invalidation', () => {
  let client: QueryClient;
  let invalidated: unknown[][];
  beforeEach(() => {
    vi.useFakeTimers();
    client = new QueryClient();
    invalidated = [];
    vi.spyOn(client, 'invalidateQueries').mockImplementation(async (filters) => {
      invalidated.push([...(filters?.queryKey ?? [])]);
    });
  });
  afterEach(() => vi.useRealTimers());

  it("a task's change makes the analytics queries stale, once per interval however many changes", () => {
    const live = createLiveInvalidator(client, 2000);
    live.onChange(change('task'));
    expect(invalidated).toContainEqual(['tasks']);
    expect(invalidated).not.toContainEqual(['analytics']);
    vi.advanceTimersByTime(1000);
    live.onChange(change('task'));
    live.onChange(change('pomodoro'));
    vi.advanceTimersByTime(999);
    expect(invalidated).not.toContainEqual(['analytics']);
    vi.advanceTimersByTime(1);
    expect(invalidated.filter((k) => k[0] === 'analytics')).toHaveLength(1);
    // The next change starts a new interval.
    live.onChange(change('goal'));
    vi.advanceTimersByTime(2000);
    expect(invalidated.filter((k) => k[0] === 'analytics')).toHaveLength(2);
  });

  it('an activity refreshes the mood and energy chart with the analytics; a note refreshes no chart', () => {
    const live = createLiveInvalidator(client, 2000);
    live.onChange(change('note'));
    vi.advanceTimersByTime(5000);
    expect(invalidated).toContainEqual(['notes']);
    expect(invalidated).not.toContainEqual(['analytics']);
    live.onChange(change('activity'));
    vi.advanceTimersByTime(2000);
    expect(invalidated).toContainEqual(['analytics']);
    expect(invalidated.filter((k) => k[0] === 'activities').length).toBeGreaterThanOrEqual(2);
  });

  it('stops without a late refresh', () => {
    const live = createLiveInvalidator(client, 2000);
    live.onChange(change('ai_request'));
    live.stop();
    vi.advanceTimersByTime(5000);
    expect(invalidated).not.toContainEqual(['analytics']);
  });
});

describe('live invalidation of cached queries', () => {
  afterEach(() => vi.useRealTimers());

  it("marks Insights' cached analytics stale after a task's change, and leaves unrelated ones", () => {
    vi.useFakeTimers();
    const client = new QueryClient();
    const summary = ['analytics', 'summary', { from: '2026-12-01', to: '2026-12-07', granularity: 'day' }];
    client.setQueryData(summary, { tasks: { created: 1 } });
    client.setQueryData(['notes', 'list'], []);
    const live = createLiveInvalidator(client, 2000);
    live.onChange(change('task'));
    expect(client.getQueryState(summary)?.isInvalidated).toBe(false);
    vi.advanceTimersByTime(2000);
    expect(client.getQueryState(summary)?.isInvalidated).toBe(true);
    expect(client.getQueryState(['notes', 'list'])?.isInvalidated).toBe(false);
  });
});
