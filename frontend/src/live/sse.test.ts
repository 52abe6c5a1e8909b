import { describe, expect, it } from 'vitest';
import { queryKeysFor } from './stream';
import { createSseParser, type SseEvent } from './sse';

describe('SSE parser', () => {
  it('joins chunks split anywhere, skips comments, keeps ids', () => {
    const got: SseEvent[] = [];
    const feed = createSseParser((e) => got.push(e));
    feed(': keep-alive\n\nid: 7\nda');
    feed('ta: {"a":1}\n');
    feed('\nid: 8\r\ndata: x\r\ndata: y\r\n\r\n');
    expect(got).toEqual([
      { id: '7', event: undefined, data: '{"a":1}' },
      { id: '8', event: undefined, data: 'x\ny' },
    ]);
  });

  it('maps a task change to the task lists, Today and the board', () => {
    const keys = queryKeysFor({ entity_type: 'task', entity_id: '1' });
    expect(keys).toEqual(expect.arrayContaining([['tasks'], ['today'], ['board']]));
    // A ceremony session's AI step ends in a worker: the open session refreshes.
    expect(queryKeysFor({ entity_type: 'ceremony_session', entity_id: '2' })).toContainEqual(['ceremonies']);
  });
});
