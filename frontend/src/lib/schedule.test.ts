import { describe, expect, it } from 'vitest';
import { planOnDay } from './schedule';

const day = [{ start: '09:00', end: '10:00', title: 'Deep work', kind: null, task_id: null }];

describe('planOnDay', () => {
  it("adds the plan's entries beside the day's blocks, in time order", () => {
    const r = planOnDay(day, [
      { title: 'Report', start: '10:00', estimated_minutes: 90, task_id: 't1' },
      { title: 'Call', start: '08:00', estimated_minutes: null, task_id: null },
    ]);
    expect(r.blocks.map((b) => `${b.start}-${b.end} ${b.title}`)).toEqual(['08:00-08:30 Call', '09:00-10:00 Deep work', '10:00-11:30 Report']);
    expect(r.added.map((b) => b.task_id)).toEqual(['t1', null]);
    expect(r.skipped).toEqual([]);
  });

  it('leaves out what would overlap, has no start, and ends a late block by midnight', () => {
    const r = planOnDay(day, [
      { title: 'Bank', start: '09:30', estimated_minutes: 20, task_id: null },
      { title: 'Someday', start: 'later', estimated_minutes: 20, task_id: null },
      { title: 'Late', start: '23:30', estimated_minutes: 120, task_id: null },
      { title: 'Also late', start: '23:45', estimated_minutes: 10, task_id: null },
    ]);
    expect(r.added.map((b) => `${b.start}-${b.end} ${b.title}`)).toEqual(['23:30-24:00 Late']);
    expect(r.skipped).toEqual([
      { title: 'Bank', reason: 'overlaps Deep work (09:00–10:00)' },
      { title: 'Someday', reason: 'no start time' },
      { title: 'Also late', reason: 'overlaps Late (23:30–24:00)' },
    ]);
  });
});
