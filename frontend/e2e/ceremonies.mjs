// End to end: Daily Planning and Weekly Review, every step, against the fake LLM (fake-llm.mjs).
// Called by smoke.mjs with its signed-in page, its `step` and `shot` (screenshot + axe scan).

/** The tasks the signed-in page's user has whose title matches `q`, through the API. */
const findTasks = (page, q) =>
  page.evaluate(async (query) => {
    const { accessToken } = JSON.parse(localStorage.getItem('joan.session'));
    const res = await fetch(`/api/v1/tasks?q=${encodeURIComponent(query)}&limit=50`, { headers: { authorization: `Bearer ${accessToken}` } });
    if (!res.ok) throw new Error(`GET /tasks: ${res.status}`);
    return (await res.json()).map((t) => t.title);
  }, q);

/** Today's blocks (`HH:MM-HH:MM title`) on the server, through the API. */
const todaySchedule = (page) =>
  page.evaluate(async () => {
    const { accessToken } = JSON.parse(localStorage.getItem('joan.session'));
    const d = new Date();
    const date = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const res = await fetch(`/api/v1/schedule/daily/${date}`, { headers: { authorization: `Bearer ${accessToken}` } });
    if (!res.ok) throw new Error(`GET /schedule/daily: ${res.status}`);
    return (await res.json()).blocks.map((b) => `${b.start}-${b.end} ${b.title}`);
  });

/** Runs the current AI step: its live status says it is working (`whileRunning` then runs),
 * then that the AI `answered`. */
async function runAiStep(page, answered, whileRunning = async () => {}) {
  await page.getByText('Not run yet.').waitFor();
  await page.getByRole('button', { name: 'Run the AI step' }).click();
  await page.getByRole('status').getByText('The AI is working on it…').waitFor();
  await whileRunning();
  await page.getByRole('status').getByText(answered).waitFor({ timeout: 20_000 });
}

export async function ceremonySteps({ page: a, step, shot, llm }) {
  const start = async (name) => {
    await a.getByRole('link', { name: 'Ceremonies', exact: true }).click();
    await a.getByRole('button', { name: `Start ${name}` }).click();
    await a.getByRole('heading', { name, level: 1 }).waitFor();
  };

  await step('Daily Planning: open tasks, the AI plan live, confirmed', async () => {
    await start('Daily Planning');
    await a.getByRole('heading', { name: 'Open tasks' }).waitFor();
    await a.getByRole('list', { name: 'Open tasks' }).getByText('Call the bank').waitFor();
    await a.getByLabel('Hours available today').fill('5');
    await shot(a, '12-planning-open-tasks');
    await a.getByRole('button', { name: 'Next' }).click();

    await a.getByRole('heading', { name: 'Proposed plan' }).waitFor();
    await runAiStep(a, 'The AI answered.', () => shot(a, '12-planning-ai-running'));
    await a.getByRole('list', { name: 'Plan' }).getByText('Deep work on the report').waitFor();
    await shot(a, '12-planning-ai');
    const prompt = llm.prompts.find((p) => p.kind === 'planning');
    if (!prompt?.body.includes('Call the bank')) throw new Error('the planning prompt did not hold the open tasks');
    if (!/Hours they can work today: 5\b/.test(prompt.body)) throw new Error('the planning prompt did not hold the hours');
    await a.getByRole('button', { name: 'Next' }).click();

    await a.getByRole('heading', { name: 'Confirm the day' }).waitFor();
    await a.getByText('Ready to start the day?').waitFor();
    await a.getByRole('list', { name: 'Plan' }).getByText('Call the bank').waitFor();
    await shot(a, '12-planning-confirm');
    await a.getByRole('button', { name: 'Finish' }).click();
    await a.getByRole('heading', { name: 'Done' }).waitFor();
    await a.getByText('No task was created.').waitFor();
    // The template's confirm `applies: schedule`: the plan joins today's blocks (the earlier
    // step's 09:00-10:00 "Deep work"), and what would overlap it is named, not sent.
    await a.getByRole('list', { name: "Added to today's schedule" }).getByText('10:00–11:30 Deep work on the report').waitFor();
    await a.getByRole('list', { name: 'Not added to the schedule' }).getByText('Call the bank: overlaps Deep work (09:00–10:00)').waitFor();
    await shot(a, '12-planning-done');
    const day = await todaySchedule(a);
    const want = ['09:00-10:00 Deep work', '10:00-11:30 Deep work on the report'];
    if (JSON.stringify(day) !== JSON.stringify(want)) throw new Error(`today's schedule on the server: ${JSON.stringify(day)}`);
    await a.getByRole('link', { name: 'Today' }).click();
    await a.getByRole('list', { name: 'Schedule blocks' }).getByText('Deep work on the report').waitFor();
  });

  await step('Weekly Review: the week, a reflection, the AI live, two of three next steps kept', async () => {
    await start('Weekly Review');
    await a.getByRole('heading', { name: 'Your week in numbers' }).waitFor();
    await a.getByRole('list', { name: 'The week' }).getByText('Tasks completed').waitFor();
    await shot(a, '13-review-week');
    await a.getByRole('button', { name: 'Next' }).click();

    await a.getByRole('heading', { name: 'Reflect' }).waitFor();
    await a.getByLabel('Your writing').fill('This week I finished the report and kept thinking about the garden.');
    await shot(a, '13-review-reflect');
    await a.getByRole('button', { name: 'Next' }).click();

    await a.getByRole('heading', { name: 'Insights and next steps' }).waitFor();
    await runAiStep(a, 'The AI answered: review its tasks next.');
    await a.getByRole('list', { name: 'Insights' }).getByText('Focus time came in the mornings.').waitFor();
    await shot(a, '13-review-ai');
    const prompt = llm.prompts.find((p) => p.kind === 'review');
    if (!prompt?.body.includes('kept thinking about the garden')) throw new Error('the review prompt did not hold the reflection');
    if (!prompt.body.includes('tasks_completed')) throw new Error("the review prompt did not hold the week's figures");
    await a.getByRole('button', { name: 'Next' }).click();

    await a.getByRole('heading', { name: 'Next steps' }).waitFor();
    const proposed = a.getByRole('list', { name: 'Proposed tasks' });
    await proposed.getByRole('checkbox', { name: 'Keep Book the dentist' }).uncheck();
    await proposed.getByLabel('Title of task 3').fill('Clear the inbox by Friday');
    await shot(a, '13-review-next-steps');
    await a.getByRole('button', { name: 'Create 2 tasks' }).click();
    const created = a.getByRole('list', { name: 'Created tasks' });
    await created.getByRole('link', { name: 'Plan the vegetable beds' }).waitFor({ timeout: 20_000 });
    await created.getByRole('link', { name: 'Clear the inbox by Friday' }).waitFor();
    await shot(a, '13-review-done');

    // The kept tasks exist, the dropped one does not: through the API, then in the list.
    if ((await findTasks(a, 'Plan the vegetable beds')).length !== 1) throw new Error('a kept next step is not a task');
    if ((await findTasks(a, 'Clear the inbox by Friday')).length !== 1) throw new Error('the edited next step is not a task');
    if ((await findTasks(a, 'dentist')).length !== 0) throw new Error('a dropped next step became a task');
    await created.getByRole('link', { name: 'Plan the vegetable beds' }).click();
    await a.getByRole('complementary', { name: 'Task details' }).getByRole('heading', { name: 'Plan the vegetable beds' }).waitFor();
  });
}
