'use strict';
// End to end: the menu's Score prospects handler calls the real service on loopback, which talks to the
// emulator. Run by tests/test_apps_script_e2e.py, which starts both and passes their addresses.
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { makeContext } = require('./stubs');

const serviceUrl = process.env.SHEETS_BRIDGE_E2E_SERVICE;

function syncFetch(url, params) {
  // Apps Script's UrlFetchApp is synchronous; a child process gives node the same shape.
  const script = `fetch(process.argv[1], JSON.parse(process.argv[2])).then(async (r) => {
    process.stdout.write(JSON.stringify({ status: r.status, body: await r.text() })); });`;
  const init = { method: params.method.toUpperCase(), headers: Object.assign({ 'Content-Type': params.contentType },
    params.headers), body: params.payload };
  return JSON.parse(execFileSync(process.execPath, ['-e', script, url, JSON.stringify(init)], { encoding: 'utf8' }));
}

test('Score prospects from the menu writes the Prospects tab', { skip: !serviceUrl }, () => {
  const { context, calls } = makeContext({
    properties: { SHEETS_BRIDGE_SERVICE_URL: serviceUrl },
    spreadsheetId: process.env.SHEETS_BRIDGE_E2E_SPREADSHEET,
    token: process.env.SHEETS_BRIDGE_E2E_TOKEN,
    fetch: syncFetch
  });
  const result = context.scoreProspects();
  assert.ok(result.new > 0, JSON.stringify(result));
  assert.match(calls.toasts.at(-1).title, /Score prospects: done/);
});
