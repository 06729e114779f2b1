// The administrator's runners and jobs (issue 19): a registration token generated on the
// page registers a runner, which the page then lists; a failed job (a dead letter of the
// work queue) is retried from the page; the job queues are paused and resumed.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { base, logIn, ROOT_PASSWORD } from './helpers';

/** Put a message straight into the work queue's dead-letter queue of the stack's SQS (moto),
 * as SQS does with a message whose every attempt failed. */
async function deadLetter(body: string): Promise<void> {
  const aws = process.env.CIRRUS_AWS_URL!;
  const form = new URLSearchParams({
    Action: 'SendMessage',
    Version: '2012-11-05',
    QueueUrl: `${aws}/123456789012/cirrus-work-dlq`,
    MessageBody: body,
  });
  const sent = await fetch(`${aws}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      // moto reads the service and region from the credential scope; it checks no signature.
      Authorization: 'AWS4-HMAC-SHA256 Credential=cirrus-local/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: form,
  });
  expect(sent.status, await sent.text()).toBe(200);
}

test('an administrator registers a runner with a token made on the page, and retries a failed job', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage(); // axe needs a page of a context made by hand
  await logIn(page, 'root', ROOT_PASSWORD);
  await page.goto(`${base()}/admin/jobs`);

  await page.getByRole('button', { name: 'Generate a registration token' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'A registration token was generated.' })).toBeVisible();
  const tokens = page.locator('table[aria-labelledby="tokens-title"]');
  const token = (await tokens.locator('code').first().textContent()) ?? '';
  expect(token).toMatch(/^ptrrt-/);
  const registered = await fetch(`${base()}/api/v1/runners/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ registrationToken: token, name: 'browser-runner', description: 'from the browser test' }),
  });
  expect(registered.status).toBe(200);
  await page.reload();
  const runners = page.locator('table[aria-labelledby="runners-title"]');
  await expect(runners.getByRole('cell', { name: 'browser-runner from the browser test' })).toBeVisible();
  await expect(tokens.getByRole('row').filter({ hasText: token }).getByRole('cell').nth(1)).toHaveText('1');

  await deadLetter(JSON.stringify({ task: 'browser-test-task' }));
  await page.getByRole('button', { name: 'Refresh the jobs' }).click();
  await expect(page.getByText('1 failed job', { exact: true })).toBeVisible();
  const jobs = page.locator('table[aria-labelledby="jobs-title"]');
  await expect(jobs.getByRole('cell', { name: 'cirrus-work', exact: true })).toBeVisible();
  await expect(jobs.getByText('browser-test-task')).toBeVisible();
  // With every table filled (a runner, a token, a failed job), as e2e/a11y.spec.ts checks the
  // other pages.
  const checked = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const serious = checked.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(' | ')})`)).toEqual([]);
  await jobs.getByRole('button', { name: /^Retry job cirrus-work:/ }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The job is back in its queue.' })).toBeVisible();
  await expect(page.getByText('0 failed jobs', { exact: true })).toBeVisible();

  // The stack's event pump keeps the queues it was told to stop (local/pump.py), as the
  // event source mappings are disabled on AWS.
  const pausedFile = join(dirname(process.env.CIRRUS_MAIL_DIR!), 'paused-queues.json');
  await page.getByRole('button', { name: 'Pause the job queues' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The job queues are paused.' })).toBeVisible();
  expect(JSON.parse(readFileSync(pausedFile, 'utf8'))).toEqual(expect.arrayContaining(['cirrus-transcode', 'cirrus-work']));
  await page.getByRole('button', { name: 'Resume the job queues' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The job queues are running.' })).toBeVisible();
  expect(JSON.parse(readFileSync(pausedFile, 'utf8'))).toEqual([]);

  await page.getByRole('button', { name: 'Remove browser-runner' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Runner browser-runner removed.' })).toBeVisible();
  await expect(runners).toHaveCount(0);
  await page.context().close();
});
