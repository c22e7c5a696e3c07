'use strict';
// Stubbed Apps Script globals; Code.js runs in a vm context built from them, as it would in Apps Script.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

function makeContext(options = {}) {
  const calls = { fetch: [], toasts: [], menus: [], locks: [], sidebars: [], alerts: [], triggers: [], mails: [],
    sleeps: [] };
  const properties = Object.assign({}, options.properties || {});
  const userProperties = Object.assign({}, options.userProperties || {});
  const scriptProperties = Object.assign({}, options.scriptProperties || {});
  const metadata = options.metadata || [];  // the spreadsheet's developer metadata, shared between contexts
  const propertyStore = (bag, name) => {
    if (options.authMode === 'NONE') {
      throw new Error('You do not have permission to call PropertiesService.' + name);
    }
    return {
      getProperty: (key) => (key in bag ? bag[key] : null),
      setProperty: (key, value) => { bag[key] = value; },
      deleteProperty: (key) => { delete bag[key]; }
    };
  };
  const fetchImpl = options.fetch || (() => ({ status: 200, body: '{}' }));
  const menu = {
    items: [],
    addItem(label, fn) { this.items.push([label, fn]); return this; },
    addSeparator() { this.items.push(['---']); return this; },
    addToUi() { calls.menus.push({ title: this.title, items: this.items }); }
  };
  const grid = options.sheet || { name: 'Prospects', values: [['Domain']], selections: [] };
  const activeSheet = {
    getName: () => grid.name,
    getLastColumn: () => grid.values[0].length,
    getRange: (row, column, rows, columns) => ({
      getValues: () => grid.values.slice(row - 1, row - 1 + rows).map((r) => r.slice(column - 1, column - 1 + columns))
    }),
    getActiveRangeList: () => ({
      getRanges: () => grid.selections.map(([row, count]) => ({ getRow: () => row, getNumRows: () => count }))
    })
  };
  const spreadsheet = {
    getId: () => options.spreadsheetId || '1abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    toast: (message, title, seconds) => calls.toasts.push({ message, title, seconds }),
    getActiveSheet: () => activeSheet,
    getSheetByName: (name) => (name === grid.name ? Object.assign({
      getDataRange: () => ({ getValues: () => grid.values }),
      getSheetId: () => 42
    }, activeSheet) : null),
    getName: () => 'Team book',
    createDeveloperMetadataFinder: () => ({
      withKey: (key) => ({ find: () => metadata.filter((m) => m.key === key).map((m) => ({
        getValue: () => m.value,
        remove: () => { metadata.splice(metadata.indexOf(m), 1); }
      })) })
    }),
    addDeveloperMetadata: (key, value, visibility) => { metadata.push({ key, value, visibility }); },
    getEditors: () => (options.editors || []).map((email) => ({ getEmail: () => email })),
    getSpreadsheetTimeZone: () => options.timeZone || 'Etc/GMT'
  };
  const context = {
    console,
    SpreadsheetApp: {
      getUi: () => ({
        createMenu: (title) => Object.assign(Object.create(menu), { title, items: [] }),
        createAddonMenu: () => Object.assign(Object.create(menu), { title: '(add-on)', items: [] }),
        showSidebar: (html) => calls.sidebars.push(html),
        alert: (title, prompt, buttons) => { calls.alerts.push({ title, prompt, buttons }); return 'OK'; },
        ButtonSet: { OK: 'OK' }
      }),
      getActiveSpreadsheet: () => spreadsheet,
      DeveloperMetadataVisibility: { DOCUMENT: 'DOCUMENT', PROJECT: 'PROJECT' },
      openById: (id) => Object.assign({}, spreadsheet, { getId: () => id })
    },
    UrlFetchApp: {
      fetch: (url, params) => {
        calls.fetch.push({ url, params });
        const answer = fetchImpl(url, params);
        return { getResponseCode: () => answer.status, getContentText: () => answer.body };
      }
    },
    ScriptApp: {
      AuthMode: { NONE: 'NONE', LIMITED: 'LIMITED', FULL: 'FULL', CUSTOM_FUNCTION: 'CUSTOM_FUNCTION' },
      getIdentityToken: () => options.token || 'stub-identity-token',
      getOAuthToken: () => options.accessToken || 'stub-oauth-token',
      getProjectTriggers: () => calls.triggers.map((t) => ({ getHandlerFunction: () => t.handler, id: t.id,
        getUniqueId: () => String(t.id) })),
      deleteTrigger: (trigger) => { calls.triggers = calls.triggers.filter((t) => t.id !== trigger.id); },
      newTrigger: (handler) => {
        const spec = { handler, id: calls.triggers.length + 1 + Math.random() };
        const builder = {
          timeBased: () => builder,
          everyDays: (days) => { spec.everyDays = days; return builder; },
          atHour: (hour) => { spec.atHour = hour; return builder; },
          inTimezone: (zone) => { spec.timezone = zone; return builder; },
          create: () => { calls.triggers.push(spec); return Object.assign({ getUniqueId: () => String(spec.id) }, spec); }
        };
        return builder;
      }
    },
    Session: { getEffectiveUser: () => ({ getEmail: () => options.user || 'ana@team.com' }) },
    MailApp: { sendEmail: (to, subject, body) => calls.mails.push({ to, subject, body }) },
    Utilities: {
      sleep: (ms) => calls.sleeps.push(ms),
      Charset: { UTF_8: 'utf8' },
      base64Encode: (text) => Buffer.from(text, 'utf8').toString('base64'),
      base64EncodeWebSafe: (text) => Buffer.from(text, 'utf8').toString('base64url'),
      formatDate: (date) => date.toISOString().slice(0, 10)
    },
    LockService: {
      getDocumentLock: () => ({
        tryLock: (ms) => { calls.locks.push(['try', ms]); return options.lockFree !== false; },
        releaseLock: () => calls.locks.push(['release'])
      })
    },
    PropertiesService: {
      getDocumentProperties: () => {
        if (options.noDocument) {
          throw new Error('No document: this trigger runs without one');
        }
        return propertyStore(properties, 'getDocumentProperties');
      },
      getUserProperties: () => propertyStore(userProperties, 'getUserProperties'),
      getScriptProperties: () => propertyStore(scriptProperties, 'getScriptProperties')
    },
    HtmlService: {
      createHtmlOutputFromFile: (name) => ({
        name, appended: '',
        setTitle(title) { this.title = title; return this; },
        append(text) { this.appended += text; return this; }
      })
    }
  };
  vm.createContext(context);
  const code = fs.readFileSync(path.join(__dirname, '..', 'Code.js'), 'utf8');
  vm.runInContext(code, context, { filename: 'Code.js' });
  return { context, calls, properties, userProperties, scriptProperties, metadata };
}

/** UrlFetchApp.fetch's synchronous shape, for real HTTP from node (a child process does the request). */
function syncFetch(url, params) {
  const { execFileSync } = require('node:child_process');
  const script = `fetch(process.argv[1], JSON.parse(process.argv[2])).then(async (r) => {
    process.stdout.write(JSON.stringify({ status: r.status, body: await r.text() })); });`;
  const init = { method: params.method.toUpperCase(), headers: Object.assign({ 'Content-Type': params.contentType },
    params.headers), body: params.payload };
  return JSON.parse(execFileSync(process.execPath, ['-e', script, url, JSON.stringify(init)], { encoding: 'utf8' }));
}

module.exports = { makeContext, syncFetch };
