import { describe, expect, it } from 'vitest';
import { aiStatusText, keptTasks, minutesError, planFrom, proposalsFrom, remaining, textsOf, wordCount } from './ceremony';

describe('ceremony logic', () => {
  it('counts words as a person does', () => {
    expect(wordCount('')).toBe(0);
    expect(wordCount('   \n ')).toBe(0);
    expect(wordCount("I don't stop — ever, re-reading nothing.")).toBe(6);
    expect(wordCount('Één twee 3')).toBe(3);
  });

  it("keeps the timer's minutes within the step's bounds", () => {
    const config = { minutes: 15, min_minutes: 5, max_minutes: 60 };
    expect(minutesError('15', config)).toBeNull();
    expect(minutesError('4', config)).toBe('Choose 5 to 60 minutes.');
    expect(minutesError('7.5', config)).toBe('Choose 5 to 60 minutes.');
    expect(minutesError('', config)).toBe('Choose 5 to 60 minutes.');
  });

  it('counts down and stops at zero', () => {
    expect(remaining(15, 0, 0)).toBe('15:00');
    expect(remaining(15, 0, 61_000)).toBe('13:59');
    expect(remaining(1, 0, 120_000)).toBe('00:00');
  });

  it("reads the proposals at the review's source and sends only the kept ones", () => {
    const answer = { summary: 's', next_steps: [{ title: 'Plan the trip', priority: 1 }, { nope: true }], tasks: [{ title: 'Other' }] };
    const proposals = proposalsFrom(answer, 'ai_output.next_steps');
    expect(proposals).toEqual([{ title: 'Plan the trip', priority: 1, estimated_minutes: null, keep: true }]);
    expect(proposalsFrom(null, 'ai_output.tasks')).toEqual([]);
    const edited = [
      { title: '  Buy seeds ', priority: 2, estimated_minutes: 15, keep: true },
      { title: 'Dropped', priority: 3, estimated_minutes: 10, keep: false },
      { title: '   ', priority: 3, estimated_minutes: null, keep: true },
    ];
    expect(keptTasks(edited)).toEqual([{ title: 'Buy seeds', priority: 2, estimated_minutes: 15 }]);
  });

  it("words the AI step's status", () => {
    expect(aiStatusText('running')).toBe('The AI is working on it…');
    expect(aiStatusText('failed', 'ai_timeout: no answer')).toBe('The AI step failed: ai_timeout: no answer');
    expect(aiStatusText('waiting_input')).toMatch(/review/);
  });

  it("reads Daily Planning's plan in start order and the review's insights, skipping what is malformed", () => {
    const answer = {
      plan: [
        { title: 'Second', start: '10:00', estimated_minutes: 30, priority: 2, reason: 'Later.' },
        { title: 'First', start: '09:00', task_id: 't1' },
        { start: '11:00' },
        'noise',
      ],
      insights: ['One', 2, '', 'Two'],
    };
    expect(planFrom(answer).map((p) => [p.start, p.title, p.task_id])).toEqual([
      ['09:00', 'First', 't1'],
      ['10:00', 'Second', null],
    ]);
    expect(textsOf(answer, 'insights')).toEqual(['One', 'Two']);
    expect(planFrom('not json')).toEqual([]);
    expect(textsOf(null, 'wins')).toEqual([]);
  });
});
