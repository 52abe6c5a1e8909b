import { describe, expect, it } from 'vitest';
import { bucketLabel, defaultPeriod, formatCost, hasData, periodError, providerRows } from './analytics';

const period = { timezone: 'UTC', granularity: 'day' as const, from: '2026-12-01', to: '2026-12-07' };
const usage = { requests: 0, failures: 0, tokens_in: 0, tokens_out: 0, cost_micro_usd: 0, latency_ms: {} };

describe('analytics', () => {
  it('defaults to the last 30 days, today included', () => {
    expect(defaultPeriod(new Date(2026, 11, 7, 12))).toEqual({ from: '2026-11-08', to: '2026-12-07', granularity: 'day' });
  });

  it('refuses the periods the server would refuse', () => {
    expect(periodError({ from: '2026-12-07', to: '2026-12-01', granularity: 'day' })).toBe('The end comes before the start.');
    expect(periodError({ from: '', to: '2026-12-01', granularity: 'day' })).toBe('Choose both days.');
    expect(periodError({ from: '2025-01-01', to: '2025-12-31', granularity: 'day' })).toBeNull();
    expect(periodError({ from: '2024-01-01', to: '2025-01-01', granularity: 'day' })).toBe('At most 366 days at a time.');
    expect(periodError({ from: '2024-01-01', to: '2025-01-01', granularity: 'week' })).toBeNull();
    expect(periodError({ from: '2016-01-01', to: '2025-12-31', granularity: 'month' })).toBeNull();
    expect(periodError({ from: '2015-12-01', to: '2025-12-31', granularity: 'month' })).toBe('At most 120 months at a time.');
  });

  it('labels buckets by their granularity', () => {
    expect(bucketLabel('2026-12-07', 'day')).toBe('7 Dec');
    expect(bucketLabel('2026-11-30', 'week')).toBe('w 30 Nov');
    expect(bucketLabel('2026-02-01', 'month')).toBe('Feb 2026');
  });

  it('shows tiny costs with enough digits', () => {
    expect(formatCost(0)).toBe('$0');
    expect(formatCost(1234)).toBe('$0.0012');
    expect(formatCost(2_500_000)).toBe('$2.50');
  });

  it('sums requests and cost per provider over its models, most used first', () => {
    const rows = providerRows({
      period,
      buckets: [],
      latency_ms: {},
      totals: { ...usage, requests: 5 },
      by_model: [
        { ...usage, provider: 'openai', model: 'a', requests: 1, cost_micro_usd: 500_000 },
        { ...usage, provider: 'anthropic', model: 'c', requests: 3, failures: 1, cost_micro_usd: 1_000_000 },
        { ...usage, provider: 'openai', model: 'b', requests: 1, cost_micro_usd: 250_000 },
      ],
    });
    expect(rows).toEqual([
      { provider: 'anthropic', requests: 3, failures: 1, cost: 1 },
      { provider: 'openai', requests: 2, failures: 0, cost: 0.75 },
    ]);
  });

  it('treats an all-zero series as empty', () => {
    expect(hasData([{ label: 'a', created: 0, completed: 0 }], ['created', 'completed'])).toBe(false);
    expect(hasData([{ label: 'a', created: 0, completed: 2 }], ['created', 'completed'])).toBe(true);
  });
});
