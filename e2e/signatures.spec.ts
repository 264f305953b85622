import { randomUUID } from 'node:crypto';
import { appDatabase } from './db';
import { attachScreenshot, expect, test } from './fixtures';
import { JobPage } from './pages/jobs';

const ACME = '11111111-1111-4111-8111-111111111111';
const sql = appDatabase();
test.afterAll(() => sql.end());

async function failedJobWithSignature() {
  const code = `E2E_${randomUUID().slice(0, 8).toUpperCase()}`;
  const pattern = { phase: 'analyze', error_code: code };
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256').update(`{"error_code":"${code}","phase":"analyze"}`).digest('hex');
  const [signature] = await sql<[{ id: string }]>`
    insert into scheduler.failure_signatures (tenant_id, signature_hash, pattern, outcome, confidence)
    values (${ACME}, ${hash}, ${sql.json(pattern)}, ${sql.json({ likely_cause: `Cause of ${code}`, suggested_action: 'Rebuild', remediation_url: '/docs/e2e' })}, 0.99)
    returning id`;
  const job = randomUUID();
  await sql`select scheduler.upsert_first_signal_snapshot(${job}, ${ACME}, null, 'failed', 'analyze', ${`Failed with ${code}`}, null, null, null, ${sql.json({ error_code: code })})`;
  return { code, job, signatureId: signature.id };
}

test('an admin disables a signature, the failed job loses its cause, re-enabling brings it back', async ({
  page,
}, testInfo) => {
  const { code, job, signatureId } = await failedJobWithSignature();
  const jobPage = new JobPage(page);
  await jobPage.goto(job);
  await expect(page.getByTestId('likely-cause')).toHaveText(`Cause of ${code}`);

  await page.goto(`/signatures?q=${code}`);
  // One control: it asks for the reason in a dialog before anything changes.
  await page.getByTestId(`toggle-${signatureId}`).click();
  await page.getByTestId(`reason-${signatureId}`).fill('false positives');
  await page.getByTestId(`confirm-${signatureId}`).click();
  await expect(page.getByTestId(`toggle-${signatureId}`)).toHaveAttribute('data-enabled', 'false');
  await expect(page.getByTestId(`toggle-dialog-${signatureId}`)).toBeHidden();
  await expect
    .poll(
      async () =>
        (await sql`select enabled from scheduler.failure_signatures where id = ${signatureId}`)[0]!.enabled,
    )
    .toBe(false);
  await attachScreenshot(page, testInfo, 'signatures');

  await jobPage.goto(job);
  await expect(page.getByTestId('no-match')).toBeVisible();
  await expect(page.getByTestId('likely-cause')).toHaveCount(0);

  await page.goto(`/signatures?q=${code}`);
  await page.getByTestId(`toggle-${signatureId}`).click();
  await page.getByTestId(`confirm-${signatureId}`).click();
  await expect(page.getByTestId(`toggle-${signatureId}`)).toHaveAttribute('data-enabled', 'true');
  await expect
    .poll(
      async () =>
        (await sql`select enabled from scheduler.failure_signatures where id = ${signatureId}`)[0]!.enabled,
    )
    .toBe(true);
  await jobPage.goto(job);
  await expect(page.getByTestId('likely-cause')).toHaveText(`Cause of ${code}`);

  const history =
    await sql`select action, reason from console.signature_audit where signature_id = ${signatureId} order by id`;
  expect(history.map((h) => h.action)).toEqual(['disable', 'enable']);
  expect(history[0]!.reason).toBe('false positives');
});

test('the form validates the regex in PostgreSQL and refuses a duplicate pattern', async ({ page }) => {
  await page.goto('/signatures/new');
  await page.getByTestId('field-error-code').fill(`E2E_${randomUUID().slice(0, 6)}`);
  await page.getByTestId('field-image-pattern').fill('([broken');
  await page.getByTestId('field-likely-cause').fill('Broken regex');
  await page.getByTestId('save-signature').click();
  await expect(page.getByTestId('error-pattern.image_pattern')).toContainText('PostgreSQL cannot compile');

  const code = `E2E_${randomUUID().slice(0, 6)}`;
  await page.getByTestId('field-error-code').fill(code);
  await page.getByTestId('field-image-pattern').fill('^quay\\.io/');
  await page.getByTestId('save-signature').click();
  await expect(page).toHaveURL(/\/signatures\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('history-row')).toHaveCount(1);

  await page.goto('/signatures/new');
  await page.getByTestId('field-error-code').fill(code);
  await page.getByTestId('field-image-pattern').fill('^quay\\.io/');
  await page.getByTestId('field-likely-cause').fill('Same pattern again');
  await page.getByTestId('save-signature').click();
  await expect(page.getByTestId('form-error')).toContainText('already exists');
});

test.describe('as support', () => {
  test.use({ signedInAs: 'support' });
  test('sees no signature controls and is refused by the API', async ({ page, request }) => {
    const { signatureId } = await failedJobWithSignature();
    await page.goto('/signatures');
    await expect(page.getByTestId('signatures-table')).toHaveCount(0);
    // The enable/disable control (components/signatures/toggle-button.tsx) and its dialog.
    await expect(page.locator('[data-testid^="toggle-"]')).toHaveCount(0);
    const response = await request.patch(`/api/v1/failure-signatures/${signatureId}`, {
      data: { enabled: false },
    });
    expect(response.status()).toBe(403);
  });
});
