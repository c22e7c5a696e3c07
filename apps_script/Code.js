/**
 * Backlink gap menu for Google Sheets: calls the sheets_bridge service for the active spreadsheet.
 * Every call goes through callService_, which adds the identity token, checks the status and throws the
 * service's own message; a document lock keeps two clicks from running at once.
 */

var SERVICE_URL_KEY = 'SHEETS_BRIDGE_SERVICE_URL';
var LOCK_WAIT_MS = 5000;

/** Adds the Backlink gap menu when the spreadsheet opens. */
function onOpen() {
  SpreadsheetApp.getUi()
    .createMenu('Backlink gap')
    .addItem('Score prospects', 'scoreProspects')
    .addItem('Update follow-ups', 'updateFollowups')
    .addItem('Refresh dashboard', 'refreshDashboard')
    .addSeparator()
    .addItem('Import export file...', 'showImportSidebar')
    .addItem('Set up this spreadsheet', 'setUpSpreadsheet')
    .addItem('Settings and help...', 'showSettingsSidebar')
    .addToUi();
}

/** The service URL kept in document properties, without a trailing slash. */
function getServiceUrl_() {
  var url = PropertiesService.getDocumentProperties().getProperty(SERVICE_URL_KEY) || '';
  if (!url) {
    throw new Error('Set the service URL first: Backlink gap → Settings and help...');
  }
  return url.replace(/\/+$/, '');
}

/** Saves the service URL (from the sidebar). */
function saveServiceUrl(url) {
  var clean = String(url || '').trim();
  if (!/^https?:\/\/[^\s]+$/.test(clean)) {
    throw new Error('The service URL must start with https://');
  }
  PropertiesService.getDocumentProperties().setProperty(SERVICE_URL_KEY, clean);
  return clean;
}

/**
 * The one wrapper around UrlFetchApp: adds the identity token, never throws on HTTP errors itself,
 * and turns the service's {"error": {"message"}} into an Error with that message.
 * @param {GoogleAppsScript.URL_Fetch.HttpMethod} method
 * @param {string} path
 * @param {Object=} payload
 * @return {Object}
 */
function callService_(method, path, payload) {
  /** @type {GoogleAppsScript.URL_Fetch.URLFetchRequestOptions} */
  var options = {
    method: method,
    contentType: 'application/json',
    muteHttpExceptions: true,
    headers: { Authorization: 'Bearer ' + ScriptApp.getIdentityToken() }
  };
  if (payload !== undefined) {
    options.payload = JSON.stringify(payload);
  }
  var response = UrlFetchApp.fetch(getServiceUrl_() + path, options);
  var status = response.getResponseCode();
  var text = response.getContentText();
  var body = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch (e) {
    body = {};
  }
  if (status >= 200 && status < 300) {
    return body;
  }
  var message = body && body.error && body.error.message
    ? body.error.message
    : 'The service answered ' + status + '.';
  throw new Error(message);
}

/** Runs one action on the active spreadsheet under a document lock, with toasts. */
function runAction_(title, path, payload, summarise) {
  var spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  var lock = LockService.getDocumentLock();
  if (!lock.tryLock(LOCK_WAIT_MS)) {
    spreadsheet.toast('Another Backlink gap action is running in this spreadsheet; try again shortly.',
      title, 10);
    return null;
  }
  try {
    spreadsheet.toast('Working...', title, -1);
    var result = callService_('post', '/v1/spreadsheets/' + spreadsheet.getId() + path, payload);
    spreadsheet.toast(summarise(result), title + ': done', 15);
    showWarnings_(title, result && result.warnings);
    return result;
  } catch (e) {
    var message = e && e.message ? e.message : String(e);
    if (/timed out|timeout|Exceeded maximum execution time/i.test(message)) {
      message = 'The service is still working on it and will write the results when done; ' +
        'check the Run log tab in a minute.';
    }
    spreadsheet.toast(message, title + ': failed', 20);
    throw new Error(message);
  } finally {
    lock.releaseLock();
  }
}

var WARNINGS_SHOWN = 5;

/** A dialog with the first warnings of a finished run and where the rest are; nothing when there are none. */
function showWarnings_(title, warnings) {
  if (!warnings || !warnings.length) {
    return;
  }
  var lines = warnings.slice(0, WARNINGS_SHOWN).map(function (w) { return '• ' + w; });
  if (warnings.length > WARNINGS_SHOWN) {
    lines.push('… and ' + (warnings.length - WARNINGS_SHOWN) + ' more: every warning is in the Run log tab.');
  }
  var ui = SpreadsheetApp.getUi();
  ui.alert(title + ' finished with ' + warnings.length + (warnings.length === 1 ? ' warning' : ' warnings'),
    lines.join('\n'), ui.ButtonSet.OK);
}

/** Backlink gap → Score prospects. */
function scoreProspects() {
  return runAction_('Score prospects', '/score', {}, function (r) {
    return r.prospects + ' prospects (' + r.new + ' new, ' + r.updated + ' updated) in ' +
      r.seconds + ' s';
  });
}

/** Backlink gap → Update follow-ups. */
function updateFollowups() {
  return runAction_('Update follow-ups', '/followups', {}, function (r) {
    return r.due_today + ' due today, ' + r.overdue + ' overdue across ' + r.prospects + ' prospects';
  });
}

/** Backlink gap → Refresh dashboard. */
function refreshDashboard() {
  return runAction_('Refresh dashboard', '/dashboard', {}, function () {
    return 'Dashboard refreshed';
  });
}

/** Backlink gap → Set up this spreadsheet. */
function setUpSpreadsheet() {
  return runAction_('Set up', '/setup', {}, function (r) {
    return r.changed ? 'Created: ' + (r.created_tabs.join(', ') || 'formatting') : 'Already set up';
  });
}

var IMPORT_LIMIT_BYTES = 14 * 1024 * 1024;
var DOMAIN_PATTERN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/i;

/** A site as typed (with or without https:// or a path) as a bare host, or '' when it is not one. */
function cleanDomain_(text) {
  var host = String(text || '').trim().replace(/^[a-z]+:\/\//i, '').split(/[\/?#]/)[0].replace(/^www\./i, '');
  return DOMAIN_PATTERN.test(host) ? host.toLowerCase() : '';
}

/** Called by the sidebar's import form: the file arrives base64-encoded. */
function importExportFile(form) {
  if (!form || !form.domain || !form.content_base64) {
    throw new Error('Choose an export file and say which site it describes (for example competitor-a.com).');
  }
  var domain = cleanDomain_(form.domain);
  if (!domain) {
    throw new Error('"' + String(form.domain).trim() + '" is not a site name: type it like competitor-a.com.');
  }
  if (String(form.content_base64).length * 3 / 4 > IMPORT_LIMIT_BYTES) {
    throw new Error('That file is larger than 14 MB: export fewer rows, or split it and import each part.');
  }
  return runAction_('Import export file', '/imports', {
    domain: domain,
    filename: String(form.filename || 'export.csv'),
    content_base64: String(form.content_base64)
  }, function (r) {
    return 'Tab ' + r.tab + ': ' + r.rows + ' rows (' + r.format + ')';
  });
}

/** What the sidebar shows: the service URL and the account to share the sheet with. */
function getSidebarInfo() {
  var url = PropertiesService.getDocumentProperties().getProperty(SERVICE_URL_KEY) || '';
  var info = { serviceUrl: url, serviceAccount: '', version: '' };
  if (url) {
    try {
      var body = callService_('get', '/v1/info');
      info.serviceAccount = body.service_account;
      info.version = body.version;
    } catch (e) {
      info.error = e.message;
    }
  }
  return info;
}

/** The sidebar, opened on one of its panels ('settings' or 'import'). */
function showSidebar_(title, panel) {
  var html = HtmlService.createHtmlOutputFromFile('Sidebar').setTitle(title)
    .append('<script>openPanel(' + JSON.stringify(panel) + ');</script>');
  SpreadsheetApp.getUi().showSidebar(html);
}

/** Backlink gap → Import export file... */
function showImportSidebar() {
  showSidebar_('Import an export file', 'import');
}

/** Backlink gap → Settings and help... */
function showSettingsSidebar() {
  showSidebar_('Backlink gap: settings and help', 'settings');
}

if (typeof module !== 'undefined') {
  module.exports = { onOpen: onOpen, scoreProspects: scoreProspects, updateFollowups: updateFollowups,
    refreshDashboard: refreshDashboard, setUpSpreadsheet: setUpSpreadsheet, importExportFile: importExportFile,
    getSidebarInfo: getSidebarInfo, saveServiceUrl: saveServiceUrl, callService_: callService_,
    cleanDomain_: cleanDomain_ };
}
