'use strict';
// Runs one Code.js function for the sidebar's google.script.run shim in the browser tests: the request
// ({fn, args}) arrives on stdin, document properties live in a JSON file between calls, UrlFetchApp does
// real HTTP. Prints {"ok": result} or {"error": message}, as google.script.run hands them to its handlers.
const fs = require('node:fs');
const { makeContext, syncFetch } = require('./stubs');

const request = JSON.parse(fs.readFileSync(0, 'utf8'));
const file = process.env.GAS_PROPERTIES_FILE;
const stored = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
const { context, properties } = makeContext({ properties: stored, fetch: syncFetch,
  token: process.env.GAS_IDENTITY_TOKEN, accessToken: process.env.GAS_ACCESS_TOKEN, spreadsheetId: process.env.GAS_SPREADSHEET_ID });
let answer;
try {
  answer = { ok: context[request.fn](...request.args) };
} catch (e) {
  answer = { error: e && e.message ? e.message : String(e) };
}
fs.writeFileSync(file, JSON.stringify(properties));
process.stdout.write(JSON.stringify(answer === undefined ? { ok: null } : answer));
