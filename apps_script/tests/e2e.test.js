'use strict';
// End to end: the menu's Score prospects handler calls the real service on loopback, which talks to the
// emulator. Run by tests/test_apps_script_e2e.py, which starts both and passes their addresses.
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeContext, syncFetch } = require('./stubs');

const serviceUrl = process.env.SHEETS_BRIDGE_E2E_SERVICE;

test('Score prospects from the menu writes the Prospects tab', { skip: !serviceUrl }, () => {
  const { context, calls } = makeContext({
    properties: { SHEETS_BRIDGE_SERVICE_URL: serviceUrl },
    spreadsheetId: process.env.SHEETS_BRIDGE_E2E_SPREADSHEET,
    token: process.env.SHEETS_BRIDGE_E2E_TOKEN,
    accessToken: process.env.SHEETS_BRIDGE_E2E_ACCESS_TOKEN,
    fetch: syncFetch
  });
  const result = context.scoreProspects();
  assert.ok(result.new > 0, JSON.stringify(result));
  assert.match(calls.toasts.at(-1).title, /Score prospects: done/);
});
