import { describe, expect, it } from 'vitest';
import { formatClock, secondsLeft } from './pomodoro';

describe('pomodoro clock', () => {
  it('counts whole seconds down to the server end time and stops at zero', () => {
    const end = '2026-01-01T10:25:00Z';
    expect(secondsLeft(end, Date.parse('2026-01-01T10:00:00Z'))).toBe(1500);
    expect(secondsLeft(end, Date.parse('2026-01-01T10:24:59.200Z'))).toBe(1);
    expect(secondsLeft(end, Date.parse('2026-01-01T10:30:00Z'))).toBe(0);
    expect(secondsLeft(null, 0)).toBe(0);
  });

  it('shows minutes and seconds', () => {
    expect(formatClock(1500)).toBe('25:00');
    expect(formatClock(61)).toBe('01:01');
    expect(formatClock(0)).toBe('00:00');
  });
});
