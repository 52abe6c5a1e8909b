// A fake OpenAI-compatible LLM for the end-to-end test: `/v1/chat/completions` answers each
// ceremony's AI step with JSON of the shape its prompt asks for. The planning and review
// answers come after a pause, so the app's live status of a running AI step can be seen.
import { createServer } from 'node:http';

export const ANSWERS = {
  writing: {
    summary: 'Garden plans.',
    tasks: [
      { title: 'Buy tomato seeds', priority: 2, estimated_minutes: 15 },
      { title: 'Call Anna about the fence', priority: 3, estimated_minutes: 10 },
    ],
  },
  planning: {
    plan: [
      { task_id: null, title: 'Call the bank', start: '09:30', estimated_minutes: 20, priority: 3, reason: 'Overdue and quick.' },
      { task_id: null, title: 'Deep work on the report', start: '10:00', estimated_minutes: 90, priority: 2, reason: 'Best done in the morning.' },
    ],
    conflicts: [],
    deferred: [],
  },
  review: {
    insights: ['You finished more than you started.', 'Focus time came in the mornings.', 'The garden keeps coming back.'],
    wins: ['The report went out.'],
    next_steps: [
      { title: 'Plan the vegetable beds', priority: 2, estimated_minutes: 30 },
      { title: 'Book the dentist', priority: 1, estimated_minutes: 10 },
      { title: 'Clear the inbox', priority: 1, estimated_minutes: 25 },
    ],
  },
};

/** Which ceremony a prompt belongs to, from the words of Joan's own prompts. */
export function ceremonyOf(prompt) {
  if (prompt.includes("plan one person's working day")) return 'planning';
  if (prompt.includes('review their week')) return 'review';
  return 'writing';
}

export async function startFakeLlm({ pauseMs = 1500 } = {}) {
  const prompts = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end();
        return;
      }
      const kind = ceremonyOf(body);
      prompts.push({ kind, body });
      const content = '```json\n' + JSON.stringify(ANSWERS[kind]) + '\n```';
      const answer = JSON.stringify({
        id: 'chatcmpl-e2e',
        object: 'chat.completion',
        model: 'fake',
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 120, completion_tokens: 40, total_tokens: 160 },
      });
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(answer), kind === 'writing' ? 0 : pauseMs);
    });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    host: `127.0.0.1:${server.address().port}`,
    /** Each request's ceremony and raw body, in order. */
    prompts,
    close: () => new Promise((ok) => server.close(ok)),
  };
}
