// Drives GraphiQL in headless Chromium with no network but the server's (see
// graphiql-browser-check.sh): usage: node graphiql-browser-check.cjs BASE EMAIL PASSWORD PNG
'use strict';
const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');

const [base, email, password, screenshot] = process.argv.slice(2);
const origin = new URL(base).origin;

function fail(msg) {
  console.error('graphiql check: FAIL: ' + msg);
  process.exitCode = 1;
}

async function api(token, query, variables) {
  const res = await fetch(base + '/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(query + ': ' + JSON.stringify(body.errors));
  return body.data;
}

// setEditor replaces the content of the CodeMirror editor under selector as a user would:
// focus it, select all, type.
async function setEditor(page, selector, text) {
  await page.locator(selector + ' .CodeMirror').first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

async function responseText(page) {
  return page.evaluate(() => {
    const cm = document.querySelector('.graphiql-response .CodeMirror');
    return cm && cm.CodeMirror ? cm.CodeMirror.getValue() : '';
  });
}

async function waitResponse(page, pred, what, ms = 10000) {
  const until = Date.now() + ms;
  let text = '';
  while (Date.now() < until) {
    text = await responseText(page);
    if (pred(text)) return text;
    await page.waitForTimeout(100);
  }
  throw new Error(`no ${what} in the response pane within ${ms} ms; it shows:\n${text}`);
}

(async () => {
  const login = await fetch(base + '/auth/token', { method: 'POST', body: new URLSearchParams({ username: email, password }) });
  const { access_token: token } = await login.json();
  if (!token) throw new Error('login failed: ' + login.status);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // No network: every host name fails to resolve; the server is reached by its address.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ' + new URL(base).hostname,
    ],
  });
  try {
    const context = await browser.newContext(); // a fresh profile: nothing cached
    const page = await context.newPage();
    const foreign = [];
    const failed = [];
    const problems = [];
    const sockets = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.protocol !== 'data:' && u.protocol !== 'blob:' && u.origin !== origin) foreign.push(r.url());
    });
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(r.url() + ' ' + r.status());
    });
    page.on('requestfailed', (r) => failed.push(r.url() + ' ' + (r.failure() || {}).errorText));
    page.on('pageerror', (e) => problems.push('page error: ' + e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push('console: ' + m.text());
    });
    page.on('websocket', (ws) => sockets.push(ws.url()));

    await page.goto(base + '/', { waitUntil: 'load' });
    await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror', { timeout: 20000 });
    console.log('graphiql check: GraphiQL rendered');

    // The Headers editor: open its tab, write the token.
    await page.getByRole('button', { name: 'Headers' }).click();
    await setEditor(page, '.graphiql-editor-tool .graphiql-editor:not(.hidden)', JSON.stringify({ Authorization: 'Bearer ' + token }));

    await setEditor(page, '.graphiql-query-editor', '{ me { email role } }');
    await page.locator('.graphiql-execute-button').click();
    await waitResponse(page, (t) => t.includes(email) && t.includes('ADMIN'), 'answer of me');
    console.log('graphiql check: query answered with the Headers editor\'s token');

    // A subscription over graphql-ws; status changes made meanwhile through the API must
    // show in the response pane.
    await setEditor(page, '.graphiql-query-editor', 'subscription { interventionStatutChanged { interventionId nouveauStatut } }');
    await page.locator('.graphiql-execute-button').click();
    const until = Date.now() + 15000;
    let seen = false;
    while (!seen && Date.now() < until) {
      const { createIntervention: iv } = await api(token, 'mutation { createIntervention(input: {titre: "Vérification GraphiQL"}) { id } }');
      await api(token, 'mutation($id: ID!) { changeInterventionStatut(id: $id, statut: ANNULEE) { id } }', { id: iv.id });
      await page.waitForTimeout(300);
      seen = (await responseText(page)).includes('ANNULEE');
    }
    if (!seen) throw new Error('no subscription event in the response pane:\n' + (await responseText(page)));
    const wsURL = origin.replace(/^http/, 'ws') + '/graphql';
    if (!sockets.includes(wsURL)) fail(`subscription sockets ${JSON.stringify(sockets)}, want ${wsURL}`);
    console.log('graphiql check: subscription event received over ' + sockets.join(', '));

    await page.screenshot({ path: screenshot });
    if (foreign.length) fail('requests to other origins: ' + foreign.join(', '));
    if (failed.length) fail('failed requests: ' + failed.join(', '));
    if (problems.length) fail(problems.join('\n'));
    if (!process.exitCode) console.log('graphiql check: ok (screenshot ' + screenshot + ')');
  } finally {
    await browser.close();
  }
})().catch((e) => {
  fail(e.stack || String(e));
});
