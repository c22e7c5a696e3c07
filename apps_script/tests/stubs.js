'use strict';
// Stubbed Apps Script globals; Code.js runs in a vm context built from them, as it would in Apps Script.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

function makeContext(options = {}) {
  const calls = { fetch: [], toasts: [], menus: [], locks: [], sidebars: [] };
  const properties = Object.assign({}, options.properties || {});
  const fetchImpl = options.fetch || (() => ({ status: 200, body: '{}' }));
  const menu = {
    items: [],
    addItem(label, fn) { this.items.push([label, fn]); return this; },
    addSeparator() { this.items.push(['---']); return this; },
    addToUi() { calls.menus.push({ title: this.title, items: this.items }); }
  };
  const spreadsheet = {
    getId: () => options.spreadsheetId || '1abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    toast: (message, title, seconds) => calls.toasts.push({ message, title, seconds })
  };
  const context = {
    console,
    SpreadsheetApp: {
      getUi: () => ({
        createMenu: (title) => Object.assign(Object.create(menu), { title, items: [] }),
        showSidebar: (html) => calls.sidebars.push(html)
      }),
      getActiveSpreadsheet: () => spreadsheet
    },
    UrlFetchApp: {
      fetch: (url, params) => {
        calls.fetch.push({ url, params });
        const answer = fetchImpl(url, params);
        return { getResponseCode: () => answer.status, getContentText: () => answer.body };
      }
    },
    ScriptApp: { getIdentityToken: () => options.token || 'stub-identity-token' },
    LockService: {
      getDocumentLock: () => ({
        tryLock: (ms) => { calls.locks.push(['try', ms]); return options.lockFree !== false; },
        releaseLock: () => calls.locks.push(['release'])
      })
    },
    PropertiesService: {
      getDocumentProperties: () => ({
        getProperty: (key) => (key in properties ? properties[key] : null),
        setProperty: (key, value) => { properties[key] = value; }
      })
    },
    HtmlService: {
      createHtmlOutputFromFile: (name) => ({ name, setTitle(title) { this.title = title; return this; } })
    }
  };
  vm.createContext(context);
  const code = fs.readFileSync(path.join(__dirname, '..', 'Code.js'), 'utf8');
  vm.runInContext(code, context, { filename: 'Code.js' });
  return { context, calls, properties };
}

module.exports = { makeContext };
