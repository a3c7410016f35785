import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { storiesPath } from '../support/fixtures.js';
import { hubRepos } from '../support/hub-repos.js';
import { downloadGate, startHubPeer, type HubPeer } from '../support/upstreams/hub-peer.js';
import { baseColumns, chatColumns, openEndedRows, readSeedTables } from '../support/seed-tables.js';
import { buildUi, startUiServer, webDist, type UiServer } from './ui-server.js';

const execFileAsync = promisify(execFile);
const artifacts = new URL('../../test-artifacts/', import.meta.url).pathname;

/** Reads a rendered benchmark table as {row label → {model id → cell text}}. */
async function readTable(page: Page, suite: string): Promise<Record<string, Record<string, string>>> {
  return page.locator(`table[data-suite="${suite}"]`).evaluate((table) => {
    const ids = Array.from(table.querySelectorAll('thead th[data-model]')).map((cell) => cell.getAttribute('data-model')!);
    const cells: Record<string, Record<string, string>> = {};
    let category = '';
    for (const row of Array.from(table.querySelectorAll('tbody tr'))) {
      const label = row.querySelector('th')!.textContent!.trim();
      category = row.querySelector('th')!.getAttribute('data-category') ?? '';
      const values = Array.from(row.querySelectorAll('td.number')).map((cell) => cell.textContent!.trim());
      const key = category ? `${category} ${label}` : label;
      cells[key] = Object.fromEntries(ids.map((id, index) => [id, values[index]]));
      const shots = row.querySelectorAll('td:not(.number):not(.category)');
      if (shots.length) cells[key].shots = shots[shots.length - 1].textContent!.trim();
    }
    return cells;
  });
}

/** Each table wrapper of the page: whether it scrolls sideways, and whether a visible scroll hint follows it. */
function overflowingTables(page: Page) {
  return page.locator('.table-wrap').evaluateAll((wraps) =>
    wraps.map((wrap) => {
      const hint = wrap.nextElementSibling;
      return {
        caption: wrap.querySelector('caption')?.textContent ?? '',
        overflows: wrap.scrollWidth > wrap.clientWidth + 1,
        hinted:
          !!hint?.matches('.scroll-hint') && hint.getBoundingClientRect().height > 0 && getComputedStyle(hint).visibility !== 'hidden',
      };
    }),
  );
}

describe('web UI in Chromium', () => {
  let server: UiServer;
  let hub: HubPeer;
  // The hub holds the first part of stories260K's Q8_0 set after 100 kB until the deployment page has shown the pull.
  const q8Gate = downloadGate();
  let browser: Browser;
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: `${artifacts}${name}.png`, fullPage: true });
  // Console errors and uncaught exceptions fail the test they happen in; a test that provokes
  // errors on purpose (a refused key, a failing API) names them.
  const consoleErrors: string[] = [];
  let expectedErrors: RegExp[] = [];
  const expectConsoleErrors = (...patterns: RegExp[]) => expectedErrors.push(...patterns);
  const pageWidthOverflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  beforeAll(async () => {
    await mkdir(artifacts, { recursive: true });
    await buildUi();
    const repos = hubRepos();
    repos['ggml-org/stories260K-GGUF'].files['stories260K-Q8_0-00001-of-00002.gguf'].pauseFirst = { bytes: 100_000, until: q8Gate.until };
    hub = await startHubPeer({ repos });
    server = await startUiServer({ hubUrl: hub.url, hubTimeoutMs: 30_000 });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('dialog', (dialog) => void dialog.accept());
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() !== 'error' || expectedErrors.some((pattern) => pattern.test(message.text()))) return;
      consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
  }, 180_000);

  afterEach(() => {
    const errors = consoleErrors.splice(0);
    expectedErrors = [];
    expect(errors, 'console errors').toEqual([]);
  });

  afterAll(async () => {
    q8Gate.open();
    await browser?.close();
    await server?.close();
    await hub?.close();
  });

  it('loads under 250 KB of gzipped JavaScript up front, from one entry with no chained requests', async () => {
    const html = await readFile(path.join(webDist, 'index.html'), 'utf8');
    const initial = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map(
      (match) => match[1] ?? match[2],
    );
    expect(initial.length).toBeGreaterThanOrEqual(1);
    let gzipped = 0;
    for (const file of initial) gzipped += gzipSync(await readFile(path.join(webDist, file))).length;
    console.log(`initial JS: ${initial.length} file(s), ${(gzipped / 1024).toFixed(1)} KiB gzipped`);
    expect(gzipped).toBeLessThan(250 * 1024);

    // Served with long-lived caching for hashed assets and revalidation for the page itself.
    const page = await fetch(`${server.url}/models/deepseek-v3`, { headers: { 'accept-encoding': 'gzip' } });
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const asset = await fetch(`${server.url}${initial[0]}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    expect((await fetch(`${server.url}/api/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(404);
  });

  it('browses, searches and filters the library with the query in the URL', async () => {
    await page.goto(server.url);
    await expect(page.locator('h1').textContent()).resolves.toBe('Model Library');
    await expect(page.locator('.subtitle').first().textContent()).resolves.toBe(
      'Browse and deploy state-of-the-art AI models through the DevUp Gateway.',
    );
    // The seeded catalog: the eleven models of the source page (more if the catalog grows).
    const everything = (await (await fetch(`${server.url}/api/models`)).json()) as {
      total: number;
      facets: { publisher: Array<{ value: string; count: number }> };
    };
    expect(everything.total).toBeGreaterThanOrEqual(11);
    await page
      .getByTestId('result-count')
      .filter({ hasText: `${everything.total} models` })
      .waitFor();
    await shot('library');

    // What the search API finds for "qwen" is what the page lists (the DeepSeek-V3 card mentions Qwen too).
    const api = (await (await fetch(`${server.url}/api/models?q=qwen&facets=false`)).json()) as {
      total: number;
      items: Array<{ name: string }>;
    };
    expect(api.total).toBeGreaterThanOrEqual(2);
    await page.getByLabel('Search models').fill('qwen');
    await page
      .getByTestId('result-count')
      .filter({ hasText: `${api.total} models` })
      .waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe('qwen');
    await expect(page.locator('.model-card h3').allTextContents()).resolves.toEqual(api.items.map((item) => item.name));
    await page.getByLabel('Search models').fill('');
    await page
      .getByTestId('result-count')
      .filter({ hasText: `${everything.total} models` })
      .waitFor();

    const deepseek = page.locator('.facet-value:has(label:text-is("DeepSeek"))');
    const facetCount = Number(await deepseek.locator('.count').textContent());
    expect(facetCount).toBe(everything.facets.publisher.find((entry) => entry.value === 'DeepSeek')!.count);
    expect(facetCount).toBeGreaterThanOrEqual(5);
    await deepseek.locator('input').check();
    await page
      .getByTestId('result-count')
      .filter({ hasText: `${facetCount} models` })
      .waitFor();
    expect(new URL(page.url()).searchParams.getAll('publisher')).toEqual(['DeepSeek']);
    await expect(page.locator('.model-card').count()).resolves.toBe(facetCount);

    // The URL is the view: reloading it shows the same filtered list.
    await page.reload();
    await page
      .getByTestId('result-count')
      .filter({ hasText: `${facetCount} models` })
      .waitFor();
    await shot('library-filtered');

    // A filtered facet keeps its other values with their own counts: DeepSeek or Meta.
    const metaCount = everything.facets.publisher.find((entry) => entry.value === 'Meta')!.count;
    const meta = page.locator('.facet-value:has(label:text-is("Meta"))');
    await meta.locator('.count', { hasText: String(metaCount) }).waitFor();
    await meta.locator('input').check();
    await page
      .getByTestId('result-count')
      .filter({ hasText: `${facetCount + metaCount} models` })
      .waitFor();
    expect(new URL(page.url()).searchParams.getAll('publisher')).toEqual(['DeepSeek', 'Meta']);
  });

  it('shows DeepSeek-V3 as on the source page, every table cell equal to the seed', async () => {
    const apiCalls: string[] = [];
    const countCall = (request: { url(): string; method(): string }) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/')) apiCalls.push(`${request.method()} ${url.pathname}${url.search}`);
    };
    page.on('request', countCall);
    await page.goto(`${server.url}/models/deepseek-v3`);
    await page.locator('table[data-suite="base"]').waitFor();
    await page.locator('table[data-suite="chat"]').waitFor();
    await page.locator('table[data-suite="open-ended"]').waitFor();
    await page.waitForLoadState('networkidle');
    page.off('request', countCall);
    console.log(`model page: ${apiCalls.length} API requests`);
    expect(
      apiCalls.filter((call, index) => apiCalls.indexOf(call) !== index),
      'requested twice',
    ).toEqual([]);
    await expect(page.locator('h1').textContent()).resolves.toBe('DeepSeek-V3');
    await expect(page.locator('.markdown').first().textContent()).resolves.toContain(
      '671B total parameters with 37B activated for each token',
    );
    await expect(page.locator('.note', { hasText: '685B' }).count()).resolves.toBe(1);
    await expect(page.getByRole('link', { name: 'Deploy', exact: true }).count()).resolves.toBe(1);
    await shot('model-deepseek-v3');

    const [variants, base, chat, openEnded] = readSeedTables();
    const variantRows = await page
      .locator('section[aria-labelledby="variants"] tbody tr')
      .evaluateAll((rows) => rows.map((row) => Array.from(row.children).map((cell) => cell.textContent!.trim())));
    expect(variantRows.map((row) => row.slice(0, 4))).toEqual(expect.arrayContaining(variants.rows.map((row) => row.slice(0, 4))));
    // Order and position as on the source page: variants, base, chat, open-ended; rows and columns in the seed's order.
    expect(variantRows.map((row) => row[0])).toEqual(variants.rows.map((row) => row[0]));
    const sections = await page
      .locator('section[aria-labelledby]')
      .evaluateAll((all) =>
        all.map((section) => section.querySelector('table')?.getAttribute('data-suite') ?? section.getAttribute('aria-labelledby')),
      );
    expect(sections.filter((name) => ['variants', 'base', 'chat', 'open-ended'].includes(name!))).toEqual([
      'variants',
      'base',
      'chat',
      'open-ended',
    ]);

    for (const [seed, suite, columns] of [
      [base, 'base', baseColumns],
      [chat, 'chat', chatColumns],
    ] as const) {
      const rendered = await readTable(page, suite);
      const withShots = seed.header[1] === '# Shots';
      const firstModel = withShots ? 2 : 1;
      expect(Object.keys(rendered)).toHaveLength(seed.rows.length);
      expect(Object.keys(rendered), `${suite} rows in order`).toEqual(seed.rows.map((row) => row[0]));
      const columnOrder = await page
        .locator(`table[data-suite="${suite}"] thead th[data-model]`)
        .evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-model')));
      expect(columnOrder, `${suite} columns in order`).toEqual(seed.header.slice(firstModel).map((column) => columns[column]));
      for (const row of seed.rows) {
        const label = row[0];
        const renderedRow = rendered[label];
        expect(renderedRow, `row ${label} (${suite})`).toBeDefined();
        if (withShots) expect(renderedRow.shots, `shots of ${label}`).toBe(row[1]);
        seed.header.slice(firstModel).forEach((column, index) => {
          expect(renderedRow[columns[column]], `${suite} ${label} / ${column}`).toBe(row[firstModel + index]);
        });
      }
    }

    const openEndedRendered = await page
      .locator('table[data-suite="open-ended"] tbody tr')
      .evaluateAll((rows) =>
        Object.fromEntries(
          rows.map((row) => [
            row.getAttribute('data-model'),
            Array.from(row.querySelectorAll('td')).map((cell) => cell.textContent!.trim()),
          ]),
        ),
      );
    for (const row of openEnded.rows) expect(openEndedRendered[openEndedRows[row[0]]], row[0]).toEqual(row.slice(1));
    expect(Object.keys(openEndedRendered), 'open-ended rows in order').toEqual(openEnded.rows.map((row) => openEndedRows[row[0]]));
    // A scroll hint appears exactly where a table is wider than its frame.
    for (const table of await overflowingTables(page)) expect(table.hinted, table.caption).toBe(table.overflows);

    // Best values and the same level (gap ≤ 0.3) are bold: chat MMLU best is Llama 88.6; V3 88.5 and Claude 88.3 are the same level.
    const mmlu = page.locator('table[data-suite="chat"] tr[data-benchmark="chat-mmlu-em"] strong');
    await expect(mmlu.allTextContents()).resolves.toEqual(['88.6', '88.3', '88.5']);
    const bbh = page.locator('table[data-suite="base"] tr[data-benchmark="base-bbh-em-3shot"] strong');
    await expect(bbh.allTextContents()).resolves.toEqual(['87.5']);
  });

  it('renders card markdown sanitized (no script, handler or javascript: link runs) and NIAH as a heatmap', async () => {
    const niah = [4096, 32768, 131072].flatMap((contextLength) =>
      [0, 50, 100].map((depthPercent) => ({
        contextLength,
        depthPercent,
        score: depthPercent === 50 && contextLength === 131072 ? 7 : 10,
      })),
    );
    const created = await fetch(`${server.url}/api/models`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'hostile-card',
        name: 'Hostile Card',
        publisher: 'Tests',
        description: [
          'Hello **world** <script>window.__xss = "script"</script>',
          '<img src="/nothing.png" onerror="window.__xss = \'onerror\'">',
          "[click me](javascript:window.__xss='link')",
          '<iframe src="javascript:parent.__xss=\'iframe\'"></iframe>',
        ].join('\n\n'),
        niah,
      }),
    });
    expect(created.status).toBe(201);
    // The card's own image is missing, and parsing its handlers for sanitizing is reported by the CSP.
    expectConsoleErrors(/status of 404/, /inline event handler violates the following Content Security Policy/);
    await page.goto(`${server.url}/models/hostile-card`);
    await page.locator('.markdown strong', { hasText: 'world' }).waitFor();
    await page.locator('.markdown a', { hasText: 'click me' }).click();
    await page.waitForTimeout(300);
    await expect(page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).resolves.toBeUndefined();
    await expect(
      page.locator('.markdown script, .markdown iframe, .markdown [onerror], .markdown a[href^="javascript"]').count(),
    ).resolves.toBe(0);
    const heatmap = page.locator('svg[data-chart="heatmap"]');
    await heatmap.waitFor();
    await expect(heatmap.locator('rect').count()).resolves.toBe(niah.length);
    await shot('model-sanitized-niah');
  });

  it('compares three models with a table and charts drawn from the API', async () => {
    await page.goto(`${server.url}/compare?models=deepseek-v3,qwen2.5-72b-instruct,llama-3.1-405b-instruct`);
    await page.getByTestId('comparison-table').waitFor();
    const scatter = page.locator('svg[data-chart="scatter"]');
    await scatter.waitFor();
    await expect(scatter.locator('circle').count()).resolves.toBe(3);
    await expect(page.locator('svg[data-chart="bars"] rect.bar').count()).resolves.toBeGreaterThanOrEqual(3);
    const headers = await page.locator('[data-testid="comparison-table"] thead th').allTextContents();
    expect(headers.slice(3)).toEqual(['DeepSeek-V3', 'Qwen2.5-72B-Instruct', 'Llama-3.1-405B-Instruct']);
    await shot('compare');
  });

  it('shows a failed library load across the page with a Retry that works', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    expectConsoleErrors(/status of 500/);
    let failing = true;
    await page.route(/\/api\/models(\?|$)/, (route) =>
      failing
        ? route.fulfill({
            status: 500,
            contentType: 'application/json',
            body: JSON.stringify({ error: { message: 'database unavailable', type: 'server_error', code: 'internal_error', param: null } }),
          })
        : route.continue(),
    );
    try {
      await page.goto(server.url);
      const notice = page.getByRole('alert').filter({ hasText: 'database unavailable' });
      await notice.waitFor();
      const [noticeBox, mainBox] = [await notice.boundingBox(), await page.locator('main').boundingBox()];
      // Across the content area (the main column less its padding), not squeezed into the facet column.
      expect(noticeBox!.width).toBeGreaterThan(mainBox!.width * 0.8);
      await shot('library-error');
      failing = false;
      await page.getByRole('button', { name: 'Retry' }).click();
      await page
        .getByTestId('result-count')
        .filter({ hasText: /\d+ models/ })
        .waitFor();
      await expect(notice.count()).resolves.toBe(0);
      await expect(page.locator('.model-card').count()).resolves.toBeGreaterThanOrEqual(11);
    } finally {
      await page.unroute(/\/api\/models(\?|$)/);
      await page.setViewportSize({ width: 1360, height: 900 });
    }
  });

  it('signs in with the admin key kept in sessionStorage only', async () => {
    expectConsoleErrors(/status of 401/);
    await page.goto(`${server.url}/keys`);
    await page.getByLabel('Admin key').fill('wrong-key-0000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That key was refused.').waitFor();
    await page.getByLabel('Admin key').fill(server.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    const stored = await page.evaluate(() => ({ session: sessionStorage.getItem('devup.adminKey'), local: JSON.stringify(localStorage) }));
    expect(stored.session).toBe(server.adminKey);
    expect(stored.local).not.toContain(server.adminKey);
  });

  it('creates a key (shown once) and revokes it', async () => {
    await page.getByLabel('Name').fill('e2e-key');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('created-key-value').textContent())!.trim();
    expect(secret.length).toBeGreaterThan(20);
    const row = page.locator('tr[data-key-name="e2e-key"]');
    await row.waitFor();
    const prefix = (await row.locator('code').textContent())!.replace('…', '');
    expect(secret.startsWith(prefix)).toBe(true);
    await shot('keys');
    await row.getByRole('button', { name: 'Revoke e2e-key' }).click();
    await row.locator('.badge', { hasText: 'revoked' }).waitFor();
    await page.reload();
    await expect(page.getByTestId('created-key').count()).resolves.toBe(0);
    await expect(page.content()).resolves.not.toContain(secret);
  });

  it('shows a key’s Revoke button whole at 1440 px, with scope and expiry filled in', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    try {
      await page.goto(`${server.url}/keys`);
      await page.getByLabel('Name').fill('analytics-pipeline-production');
      await page.getByLabel('Deployments (optional)').fill('stories, deepseek-v3-chat, qwen2.5-72b-instruct');
      await page.getByLabel('Expires in (optional)').fill('30d');
      await page.getByRole('button', { name: 'Create key' }).click();
      const revoke = page.getByRole('button', { name: 'Revoke analytics-pipeline-production' });
      await revoke.waitFor();
      const [button, table] = [await revoke.boundingBox(), await page.getByTestId('keys-table').locator('..').boundingBox()];
      expect(button!.x + button!.width, 'Revoke inside the table’s visible box').toBeLessThanOrEqual(table!.x + table!.width);
      expect(button!.x + button!.width, 'Revoke inside the viewport').toBeLessThanOrEqual(1440);
      expect(await overflowingTables(page)).toEqual([{ caption: '', overflows: false, hinted: false }]);
      await shot('keys-1440');
    } finally {
      await page.setViewportSize({ width: 1360, height: 900 });
    }
  });

  it('opens the deploy wizard for an open-weights model with its hardware plan in view', async () => {
    await page.goto(`${server.url}/models/deepseek-v3/deploy`);
    await page.getByTestId('plan').waitFor();
    await expect(page.getByTestId('plan').textContent()).resolves.toContain('Launch command');
    // The wizard is part of deploying, not of the library.
    await expect(page.locator('nav[aria-label="Main"] a[aria-current="page"]').allTextContents()).resolves.toEqual(['Deployments']);
    await shot('deploy-wizard');
  });

  it('deploys stories260K as an embedded deployment and lands on its live page', async () => {
    await page.goto(`${server.url}/deploy`);
    await page.getByLabel('Embedded GGUF').check();
    await page.getByLabel('GGUF file path').fill(storiesPath);
    await page.getByLabel('Deployment name').fill('stories');
    await page.getByRole('button', { name: 'Create deployment' }).click();
    await page.waitForURL(`${server.url}/deployments/stories`);
    await page.getByTestId('deployment-state').locator('.badge', { hasText: 'ready' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('deployment-events').waitFor();
    await expect(page.locator('.code').textContent()).resolves.toContain('"stories"');
    await shot('deployment');
  }, 90_000);

  it('chats with the deployment in the playground, streaming tokens with TTFT and speed', async () => {
    await page.goto(`${server.url}/playground?deployment=stories`);
    await page.getByLabel('Max tokens').fill('40');
    await page.getByLabel('Message').fill('Once upon a time');
    // Watch the conversation from before sending: the answer is written into the page as it arrives.
    await page.evaluate(() => {
      const state = window as unknown as { __mutations: number };
      state.__mutations = 0;
      new MutationObserver(() => state.__mutations++).observe(document.querySelector('[data-testid="chat-log"]')!, {
        characterData: true,
        childList: true,
        subtree: true,
      });
    });
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('chat-stats').waitFor();
    const chunks = Number(await page.locator('[data-stat="chunks"]').textContent());
    expect(chunks).toBeGreaterThan(1);
    await expect(page.evaluate(() => (window as unknown as { __mutations: number }).__mutations)).resolves.toBeGreaterThan(1);
    const tokens = Number(await page.locator('[data-stat="tokens"]').textContent());
    expect(tokens).toBeGreaterThan(1);
    expect(tokens).toBeLessThanOrEqual(40);
    await expect(page.locator('[data-stat="ttft"]').textContent()).resolves.toMatch(/\d+ ms/);
    await expect(page.locator('[data-role="assistant"]').textContent()).resolves.toMatch(/\w{3,}/);
    await shot('playground');
  }, 60_000);

  it('shows the request in usage and the request log', async () => {
    await page.goto(`${server.url}/usage`);
    await page.locator('[data-testid="request-log"] tr[data-deployment="stories"]').first().waitFor();
    await expect(page.getByTestId('total-requests').textContent()).resolves.toBe('1');
    await page.locator('svg[data-chart="line"]').waitFor();
    await shot('usage');
    await page.getByLabel('Deployment', { exact: true }).selectOption('stories');
    await page.getByLabel('Status', { exact: true }).fill('500');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/deployment=stories&status=500/);
    await page.locator('[data-testid="request-log"]', { hasText: 'No requests match.' }).waitFor();
    await page.getByLabel('Status', { exact: true }).fill('200');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator('[data-testid="request-log"] tr[data-deployment="stories"]').first().waitFor();
  });

  it('switches the playground between Chat Completions, Responses and Messages, each sent through its own route', async () => {
    await page.goto(`${server.url}/playground?deployment=stories`);
    await page.getByLabel('Max tokens').fill('24');
    await expect(page.getByTestId('playground-route').textContent()).resolves.toBe('POST /v1/chat/completions');
    const asked: Array<{ api: string; path: string; headers: Record<string, string>; body: Record<string, any> }> = [];
    for (const [api, label, path] of [
      ['responses', 'Responses', '/v1/responses'],
      ['messages', 'Messages', '/v1/messages'],
    ] as const) {
      await page.getByLabel('API').selectOption({ label });
      await page.waitForURL(`${server.url}/playground?deployment=stories&api=${api}`);
      await expect(page.getByTestId('playground-route').textContent()).resolves.toBe(`POST ${path}`);
      await page.getByRole('button', { name: 'Clear chat' }).click();
      await page.getByLabel('Message').fill('Once upon a time');
      const sent = page.waitForRequest((request) => request.method() === 'POST' && new URL(request.url()).pathname.startsWith('/v1/'));
      await page.getByRole('button', { name: 'Send' }).click();
      const request = await sent;
      asked.push({ api, path: new URL(request.url()).pathname, headers: request.headers(), body: request.postDataJSON() });
      await page.getByTestId('chat-stats').waitFor();
      // The answer streamed in, read from the dialect's own events, with the usage they told.
      expect(Number(await page.locator('[data-stat="chunks"]').textContent())).toBeGreaterThan(1);
      const tokens = Number(await page.locator('[data-stat="tokens"]').textContent());
      expect(tokens).toBeGreaterThan(1);
      expect(tokens).toBeLessThanOrEqual(24);
      await expect(page.locator('[data-role="assistant"]').textContent()).resolves.toMatch(/\w{3,}/);
      await shot(`playground-${api}`);
    }
    expect(asked).toMatchObject([
      {
        path: '/v1/responses',
        headers: { authorization: `Bearer ${server.adminKey}` },
        body: { model: 'stories', instructions: 'You are a helpful assistant.', max_output_tokens: 24, stream: true },
      },
      {
        path: '/v1/messages',
        headers: { 'x-api-key': server.adminKey, 'anthropic-version': '2023-06-01' },
        body: { model: 'stories', system: 'You are a helpful assistant.', max_tokens: 24, stream: true },
      },
    ]);
    expect(asked[0].body.input).toEqual([{ role: 'user', content: 'Once upon a time' }]);
    expect(asked[1].body.messages).toEqual([{ role: 'user', content: 'Once upon a time' }]);
    // Messages takes temperatures up to 1: the slider stops there.
    await expect(page.getByLabel(/^Temperature/).getAttribute('max')).resolves.toBe('1');

    // The API chosen is part of the view: a reload keeps it. The request log names each route's operation.
    await page.reload();
    await expect(page.getByLabel('API').inputValue()).resolves.toBe('messages');
    await page.goto(`${server.url}/usage`);
    const operations = page.locator('[data-testid="request-log"] tr[data-deployment="stories"] td:nth-child(3)');
    await operations.filter({ hasText: 'messages (stream)' }).waitFor();
    await expect(operations.allTextContents()).resolves.toEqual(expect.arrayContaining(['responses (stream)', 'messages (stream)']));
  }, 60_000);

  it('shows code for every API on the deployment page, and its curl commands answer as written', async () => {
    await page.goto(`${server.url}/deployments/stories`);
    const tabs = page.locator('.code-tabs [role="tab"]');
    await tabs.first().waitFor();
    const labels = await tabs.allTextContents();
    expect(labels).toEqual([
      'Chat · curl',
      'Chat · Python',
      'Chat · TypeScript',
      'Responses · TypeScript',
      'Responses · curl',
      'Anthropic SDK',
      'Messages · curl',
    ]);
    const code: Record<string, string> = {};
    for (const label of labels) {
      await page.getByRole('tab', { name: label }).click();
      await expect(page.getByRole('tab', { name: label }).getAttribute('aria-selected')).resolves.toBe('true');
      code[label] = (await page.locator('.code-tabs .code').textContent())!;
    }
    expect(code['Responses · TypeScript']).toContain(`baseURL: '${server.url}/v1'`);
    expect(code['Responses · TypeScript']).toContain('client.responses.create');
    expect(code['Anthropic SDK']).toContain(`baseURL: '${server.url}'`);
    expect(code['Anthropic SDK']).toContain('client.messages.stream');

    // Each curl command, run as shown with a key in DEVUP_API_KEY, gets its route's answer.
    const run = (command: string) =>
      execFileAsync('bash', ['-c', `${command} --silent --show-error --fail-with-body`], {
        env: { PATH: process.env.PATH, DEVUP_API_KEY: server.adminKey },
      }).then((result) => result.stdout);
    expect(await run(code['Chat · curl'])).toMatch(/^data: .*"object":"chat\.completion\.chunk"/m);
    expect(JSON.parse(await run(code['Responses · curl']))).toMatchObject({
      object: 'response',
      model: 'stories',
      output: [{ type: 'message', role: 'assistant' }],
    });
    expect(JSON.parse(await run(code['Messages · curl']))).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text' }],
    });
    await shot('deployment-code');
  }, 60_000);

  it('keeps the usage page within a 1440 px window when a deployment has a very long name', async () => {
    // 100 characters (the API's route parameters stop there) and no break opportunity.
    const name = `stories_${'very_long_deployment_name_'.repeat(3)}${'x'.repeat(11)}end`;
    expect(name).toHaveLength(100);
    const authorization = `Bearer ${server.adminKey}`;
    const created = await fetch(`${server.url}/api/deployments`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ name, targets: [{ kind: 'embedded', spec: { file: storiesPath } }] }),
    });
    expect(created.status).toBe(201);
    const state = async () =>
      ((await (await fetch(`${server.url}/api/deployments/${name}`, { headers: { authorization } })).json()) as { state: string }).state;
    await expect.poll(state, { timeout: 60_000 }).toBe('ready');
    const answer = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ model: name, messages: [{ role: 'user', content: 'Once' }], max_tokens: 4 }),
    });
    expect(answer.status).toBe(200);
    await page.setViewportSize({ width: 1440, height: 900 });
    try {
      await page.goto(`${server.url}/usage`);
      await page.locator(`[data-testid="request-log"] tr[data-deployment="${name}"]`).waitFor();
      await page.locator('svg[data-chart="line"]').waitFor();
      expect(await pageWidthOverflow()).toBeLessThanOrEqual(0);
      // Nothing spills out of its chart, and the tables fit without scrolling sideways.
      const spills = await page.locator('.chart').evaluateAll((charts) =>
        charts.flatMap((chart) => {
          const box = chart.getBoundingClientRect();
          return Array.from(chart.querySelectorAll('li, figcaption, svg'))
            .filter((element) => element.getBoundingClientRect().right > box.right + 0.5)
            .map((element) => element.textContent);
        }),
      );
      expect(spills).toEqual([]);
      expect((await overflowingTables(page)).filter((table) => table.overflows)).toEqual([]);
      await shot('usage-long-name');
    } finally {
      await page.setViewportSize({ width: 1360, height: 900 });
    }
  }, 90_000);

  it('names every page in its tab title', async () => {
    for (const [path, title] of [
      ['/', 'Model Library · DevUp Gateway'],
      ['/models/deepseek-v3', 'DeepSeek-V3 · Model Library · DevUp Gateway'],
      ['/compare?models=deepseek-v3,qwen2.5-72b-instruct', 'Compare DeepSeek-V3, Qwen2.5-72B-Instruct · DevUp Gateway'],
      ['/models/deepseek-v3/deploy', 'Deploy DeepSeek-V3 · DevUp Gateway'],
      ['/deploy', 'Deploy a model · DevUp Gateway'],
      ['/deployments', 'Deployments · DevUp Gateway'],
      ['/deployments/stories', 'stories · Deployments · DevUp Gateway'],
      ['/playground', 'Playground · DevUp Gateway'],
      ['/keys', 'API keys · DevUp Gateway'],
      ['/usage', 'Usage · DevUp Gateway'],
      ['/nowhere', 'Page not found · DevUp Gateway'],
    ] as const) {
      await page.goto(`${server.url}${path}`);
      await expect.poll(() => page.title(), { message: path }).toBe(title);
    }
  });

  it('is reachable by keyboard: skip link, search, then a model card link opened with Enter', async () => {
    await page.goto(server.url);
    await page.getByTestId('result-count').filter({ hasText: 'models' }).waitFor();
    const tabUntil = async (matches: string, limit: number) => {
      for (let presses = 0; presses < limit; presses++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((selector) => document.activeElement?.matches(selector) ?? false, matches)) return true;
      }
      return false;
    };
    expect(await tabUntil('.skip-link', 3)).toBe(true);
    expect(await tabUntil('#library-search', 20)).toBe(true);
    expect(await tabUntil('.model-card h3 a', 60)).toBe(true);
    const target = await page.evaluate(() => (document.activeElement as HTMLAnchorElement).pathname);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}${target}`);
    await page.locator('main h1').waitFor();
  });

  it('imports a hub repo from the library, deploys a variant from its page, shows the pull, then chats with it', async () => {
    await page.goto(server.url);
    const field = page.getByLabel('Import from Hugging Face');
    const importButton = page.getByRole('button', { name: 'Import', exact: true });
    expectConsoleErrors(/status of 404/);
    await field.fill('nobody/nothing');
    await importButton.click();
    await page.getByRole('alert').filter({ hasText: "Not imported: Hugging Face repo 'nobody/nothing' does not exist" }).waitFor();
    await field.fill('ggml-org/stories260K-GGUF');
    await importButton.click();
    await page.waitForURL(`${server.url}/models/stories260k-gguf`);

    // The variants as the hub lists them: the Q8_0 split set and the F32 file, with the planner's memory
    // (the table renders once the card has loaded: wait for its rows before reading them).
    await page.locator('[data-testid="hub-downloads"] tbody tr').nth(1).waitFor();
    const rows = await page
      .locator('[data-testid="hub-downloads"] tbody tr')
      .evaluateAll((all) => all.map((row) => Array.from(row.children).map((cell) => cell.textContent!.trim())));
    expect(rows).toEqual([
      [
        'Q8_0',
        'gguf',
        expect.stringMatching(/^\d+ KB$/),
        '2',
        expect.stringMatching(/ MB$/),
        expect.stringMatching(/ MB$/),
        'ggml-org/stories260K-GGUF',
        'Deploy',
      ],
      ['F32', 'gguf', '1.2 MB', '1', expect.stringMatching(/ MB$/), expect.stringMatching(/ MB$/), 'ggml-org/stories260K-GGUF', 'Deploy'],
    ]);
    await shot('model-hub-variants');

    await page.getByRole('link', { name: 'Deploy Q8_0' }).click();
    await page.waitForURL(/\/models\/stories260k-gguf\/deploy\?source=/);
    await page.getByTestId('hub-variant').waitFor();
    await expect(page.getByLabel('Embedded GGUF').isChecked()).resolves.toBe(true);
    // The variant's files show once the model's card has loaded: poll rather than read the first render.
    await expect
      .poll(() => page.getByTestId('hub-variant').textContent())
      .toMatch(/^Pulls Q8_0 of ggml-org\/stories260K-GGUF@[0-9a-f]{40} \(2 files, \d+ KB\) into the gateway’s models folder/);
    await expect(page.getByLabel('GGUF file path').count()).resolves.toBe(0);
    await expect(page.getByLabel('Context size (tokens, optional)').getAttribute('placeholder')).resolves.toBe(
      'up to 2K (2048 tokens, trained)',
    );
    await expect(page.getByLabel('Deployment name').inputValue()).resolves.toBe('stories260k-gguf-q8_0');
    await expect(page.locator('nav[aria-label="Main"] a[aria-current="page"]').allTextContents()).resolves.toEqual(['Deployments']);
    await shot('deploy-wizard-hub-variant');
    await page.getByRole('button', { name: 'Create deployment' }).click();

    await page.waitForURL(`${server.url}/deployments/stories260k-gguf-q8_0`);
    const progress = page.getByTestId('pull-progress');
    await progress
      .filter({ hasText: /^Pulling hf:ggml-org\/stories260K-GGUF@[0-9a-f]{40} Q8_0 \(2 files\): \d+% · 100 KB of \d+ KB · / })
      .waitFor();
    await expect(progress.locator('progress').getAttribute('value')).resolves.toBe('100000');
    await page.getByTestId('deployment-state').locator('.badge', { hasText: 'provisioning' }).waitFor();
    await shot('deployment-pulling');
    q8Gate.open();
    await page.getByTestId('deployment-state').locator('.badge', { hasText: 'ready' }).waitFor({ timeout: 60_000 });
    await expect(progress.count()).resolves.toBe(0);
    await page.locator('[data-testid="deployment-events"] li', { hasText: /pulled \d+ bytes .* SHA-256 verified/ }).waitFor();

    await page.getByRole('link', { name: 'Open in playground' }).click();
    await page.waitForURL(`${server.url}/playground?deployment=stories260k-gguf-q8_0`);
    await page.getByLabel('Max tokens').fill('24');
    await page.getByLabel('Message').fill('Once upon a time');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('chat-stats').waitFor();
    expect(Number(await page.locator('[data-stat="chunks"]').textContent())).toBeGreaterThan(1);
    await expect(page.locator('[data-role="assistant"]').textContent()).resolves.toMatch(/\w{3,}/);
    await shot('playground-hub-variant');
  }, 120_000);

  it('lays out on a narrow screen without horizontal overflow', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [name, path] of [
      ['library-narrow', '/'],
      ['model-narrow', '/models/deepseek-v3'],
      ['model-hub-narrow', '/models/stories260k-gguf'],
      ['compare-narrow', '/compare?models=deepseek-v3,qwen2.5-72b-instruct,llama-3.1-405b-instruct'],
      ['deployment-narrow', '/deployments/stories'],
      ['playground-narrow', '/playground'],
      ['usage-narrow', '/usage'],
      ['keys-narrow', '/keys'],
    ] as const) {
      await page.goto(`${server.url}${path}`);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, name).toBeLessThanOrEqual(0);
      // Tables too wide for the screen scroll inside their frame, and say so.
      const tables = await overflowingTables(page);
      if (name === 'model-narrow') expect(tables.filter((table) => table.overflows).length).toBeGreaterThanOrEqual(3);
      for (const table of tables) expect(table.hinted, `${name}: ${table.caption}`).toBe(table.overflows);
      await shot(name);
    }
  }, 90_000);
});
