/**
 * Backlink gap for Google Sheets: an Editor add-on (or a script bound to one spreadsheet) that calls the
 * sheets_bridge service for the active spreadsheet. Every call goes through callService_, which adds the
 * person's identity token and their own access token (so the service acts as them), checks the status and
 * throws the service's own message; a document lock keeps two clicks from running at once.
 *
 * Authorisation modes: onOpen and onInstall may run in AuthMode.NONE (an add-on installed but not yet used in
 * this document) or LIMITED (a bound script); there they only build the menu and read no property. Each menu
 * item runs in AuthMode.FULL, where the first click asks the person to authorise.
 */

var SERVICE_URL_KEY = 'SHEETS_BRIDGE_SERVICE_URL';
var ACCESS_TOKEN_HEADER = 'X-User-Access-Token';
var LOCK_WAIT_MS = 5000;

/** Adds the Backlink gap menu when the spreadsheet opens (any AuthMode: nothing is read here). */
function onOpen(e) {
  buildMenu_(e && e.authMode);
}

/** An add-on just installed from the Marketplace: the menu now, without waiting for a reload. */
function onInstall(e) {
  onOpen(e);
}

/**
 * The Backlink gap menu under Extensions. Building a menu needs no authorisation and reads nothing, so the
 * items are the same in every AuthMode; a click runs its function in AuthMode.FULL (Google asks the person
 * to authorise on the first one). Before authorisation (NONE) the first item says so.
 * @param {*} authMode e.authMode of the simple trigger, when there is one
 */
function buildMenu_(authMode) {
  var menu = SpreadsheetApp.getUi().createAddonMenu();
  if (authMode === ScriptApp.AuthMode.NONE) {
    menu.addItem('Start: authorise Backlink gap', 'showSettingsSidebar').addSeparator();
  }
  menu
    .addItem('Score prospects', 'scoreProspects')
    .addItem('Update follow-ups', 'updateFollowups')
    .addItem('Refresh dashboard', 'refreshDashboard')
    .addItem('Pull rankings from Search Console', 'pullRankings')
    .addSeparator()
    .addItem('Create drafts for due follow-ups', 'createDueDrafts')
    .addItem('Create drafts for the selected rows', 'createSelectedDrafts')
    .addItem('Sync with Gmail', 'syncWithGmail')
    .addItem('Turn on the daily digest', 'turnOnDailyDigest')
    .addItem('Turn off the daily digest', 'turnOffDailyDigest')
    .addItem('Add "Do not contact" prospects to the list', 'addDoNotContact')
    .addSeparator()
    .addItem('Import export file...', 'showImportSidebar')
    .addItem('Set up this spreadsheet', 'setUpSpreadsheet')
    .addItem('Settings and help...', 'showSettingsSidebar')
    .addToUi();
}

/**
 * The service URL without a trailing slash: this document's own (an override), else the deployment's, kept
 * once in script properties by whoever publishes the add-on (setDeploymentServiceUrl).
 */
function serviceUrl_() {
  var own = '';
  try {
    own = PropertiesService.getDocumentProperties().getProperty(SERVICE_URL_KEY) || '';
  } catch (e) {
    own = '';  // no document: an add-on's time-driven trigger
  }
  var shared = PropertiesService.getScriptProperties().getProperty(SERVICE_URL_KEY) || '';
  return (own || shared).replace(/\/+$/, '');
}

function getServiceUrl_() {
  var url = serviceUrl_();
  if (!url) {
    throw new Error('Set the service URL first: Extensions → Backlink gap → Settings and help...');
  }
  return url;
}

function checkedUrl_(url) {
  var clean = String(url || '').trim();
  if (!/^https?:\/\/[^\s]+$/.test(clean)) {
    throw new Error('The service URL must start with https://');
  }
  return clean;
}

/** Saves this document's service URL (from the sidebar): an override of the deployment's. */
function saveServiceUrl(url) {
  var clean = checkedUrl_(url);
  PropertiesService.getDocumentProperties().setProperty(SERVICE_URL_KEY, clean);
  return clean;
}

/** Run once from the script editor by whoever deploys the add-on: the service URL every document uses. */
function setDeploymentServiceUrl(url) {
  var clean = checkedUrl_(url);
  PropertiesService.getScriptProperties().setProperty(SERVICE_URL_KEY, clean);
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
  // the person's own access token: the service acts as them, so Google checks what they may read and edit
  options.headers[ACCESS_TOKEN_HEADER] = ScriptApp.getOAuthToken();
  if (payload !== undefined) {
    options.payload = JSON.stringify(payload);
  }
  var answer = fetchJson_(getServiceUrl_() + path, options);
  var status = answer.status;
  var body = answer.body;
  if (status >= 200 && status < 300) {
    return body;
  }
  var message = body && body.error && body.error.message
    ? body.error.message
    : 'The service answered ' + status + '.';
  /** @type {Error & {code: string, retryAfter: number}} */
  var error = Object.assign(new Error(message), {
    code: body && body.error ? String(body.error.code || '') : '',
    retryAfter: body && body.error ? Number(body.error.retry_after) || 0 : 0
  });
  throw error;
}

var QUEUE_PATIENCE_S = 240;  // within Apps Script's six minutes a run, with time left for the run itself

/**
 * callService_, waiting its turn when the service says the account's Google quota is booked for now
 * ("Queued behind N runs, about S s", shown as a toast): it tries again by itself after S seconds.
 */
function callServiceInTurn_(method, path, payload, title) {
  var waited = 0;
  for (;;) {
    try {
      return callService_(method, path, payload);
    } catch (e) {
      if (!e || e.code !== 'queued' || !e.retryAfter || waited + e.retryAfter > QUEUE_PATIENCE_S) {
        throw e;
      }
      SpreadsheetApp.getActiveSpreadsheet().toast(e.message, title + ': queued', e.retryAfter + 5);
      Utilities.sleep(e.retryAfter * 1000);
      waited += e.retryAfter;
    }
  }
}

/** One UrlFetchApp call: the status and the JSON body ({} when the body is empty or not JSON). */
function fetchJson_(url, options) {
  var response = UrlFetchApp.fetch(url, options);
  var text = response.getContentText();
  var body = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch (e) {
    body = {};
  }
  return { status: response.getResponseCode(), body: body };
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
    var result = callServiceInTurn_('post', '/v1/spreadsheets/' + spreadsheet.getId() + path, payload, title);
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
    return r.due_today + ' due today, ' + r.overdue + ' overdue across ' + r.prospects + ' prospects' +
      (r.left_gap ? ' (and ' + r.left_gap + ' no longer in the gap)' : '') +
      (r.next_step ? '. Next step: ' + r.next_step : '');
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
    throw new Error('That file is larger than 14 MB: export fewer rows, or split it in parts and import each ' +
                    'with "Add to the tab\'s rows" ticked.');
  }
  return runAction_('Import export file', '/imports', {
    domain: domain,
    filename: String(form.filename || 'export.csv'),
    content_base64: String(form.content_base64),
    append: form.append === true
  }, function (r) {
    return r.appended ? 'Tab ' + r.tab + ': ' + r.added + ' rows added, ' + r.total + ' in all (' + r.format + ')'
                      : 'Tab ' + r.tab + ': ' + r.rows + ' rows (' + r.format + ')';
  });
}

/** What the sidebar shows: the service URL and the account to share the sheet with. */
function getSidebarInfo() {
  var url = serviceUrl_();
  var info = { serviceUrl: url, serviceAccount: '', version: '', actingAs: '' };
  if (url) {
    try {
      var body = callService_('get', '/v1/info');
      info.serviceAccount = body.service_account;
      info.version = body.version;
      info.actingAs = body.acting_as || '';
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
  module.exports = { onOpen: onOpen, onInstall: onInstall, setDeploymentServiceUrl: setDeploymentServiceUrl,
    scoreProspects: scoreProspects, updateFollowups: updateFollowups,
    refreshDashboard: refreshDashboard, setUpSpreadsheet: setUpSpreadsheet, importExportFile: importExportFile,
    getSidebarInfo: getSidebarInfo, saveServiceUrl: saveServiceUrl, callService_: callService_,
    cleanDomain_: cleanDomain_ };
}

// ---- Gmail drafts: never sent, always for a person to read, edit and send ----
//
// Through the Gmail API with the script's own token and the one scope gmail.modify: it creates drafts, finds
// the earlier thread to reply in (touches 2-4) and labels the drafts. gmail.compose alone can neither search
// for the earlier thread nor label; GmailApp would ask for full access to the mailbox (mail.google.com).

var GMAIL_API = 'https://gmail.googleapis.com/gmail/v1/users/me';
var DRAFT_LABEL = 'Backlink gap';

/** One Gmail API call; throws Gmail's own message on an error. */
function gmail_(method, path, payload) {
  /** @type {GoogleAppsScript.URL_Fetch.URLFetchRequestOptions} */
  var options = {
    method: method,
    contentType: 'application/json',
    muteHttpExceptions: true,
    headers: { Authorization: 'Bearer ' + ScriptApp.getOAuthToken() }
  };
  if (payload !== undefined) {
    options.payload = JSON.stringify(payload);
  }
  var answer = fetchJson_(GMAIL_API + path, options);
  if (answer.status >= 300) {
    var body = answer.body;
    throw new Error('Gmail: ' + (body.error && body.error.message ? body.error.message : answer.status));
  }
  return answer.body;
}

/** A header value encoded for non-ASCII text (RFC 2047). */
function encodeHeader_(text) {
  return /^[\x20-\x7e]*$/.test(text) ? text
    : '=?UTF-8?B?' + Utilities.base64Encode(text, Utilities.Charset.UTF_8) + '?=';
}

/** A header value as it goes on its line: refused when it holds a line break (it would start a new header). */
function headerValue_(name, value) {
  var text = String(value);
  if (/[\r\n]/.test(text)) {
    throw new Error('The ' + name + ' of a draft holds a line break, which would add a header of its own: ' +
      'nothing was created. Check the cell it comes from.');
  }
  return text;
}

/** An RFC 2822 plain-text message as Gmail's base64url 'raw'; every header value is one line. */
function rawMessage_(to, subject, body, inReplyTo) {
  var lines = ['To: ' + headerValue_('To', to), 'Subject: ' + encodeHeader_(headerValue_('Subject', subject)),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8'];
  if (inReplyTo) {
    var id = headerValue_('In-Reply-To', inReplyTo);
    lines.push('In-Reply-To: ' + id, 'References: ' + id);
  }
  return Utilities.base64EncodeWebSafe(lines.join('\r\n') + '\r\n\r\n' + body, Utilities.Charset.UTF_8);
}

/** The id of the 'Backlink gap' label, created the first time. */
function draftLabelId_() {
  var found = (gmail_('get', '/labels').labels || []).filter(function (l) { return l.name === DRAFT_LABEL; });
  return found.length ? found[0].id : gmail_('post', '/labels', { name: DRAFT_LABEL }).id;
}

/** The latest thread with this address in sent mail, with the Message-ID to reply to, or null. */
function earlierThread_(to) {
  var query = encodeURIComponent('in:sent to:' + to);
  var threads = gmail_('get', '/threads?maxResults=1&q=' + query).threads || [];
  if (!threads.length) {
    return null;
  }
  var thread = gmail_('get', '/threads/' + threads[0].id + '?format=metadata&metadataHeaders=Message-ID');
  var messages = thread.messages || [];
  var last = messages.length ? messages[messages.length - 1] : null;
  var header = last && (last.payload.headers || []).filter(function (h) {
    return String(h.name).toLowerCase() === 'message-id';
  })[0];
  return { id: threads[0].id, messageId: header ? header.value : '' };
}

/** Creates one Gmail draft per prepared email; returns how many were made and what failed. */
function createGmailDrafts_(drafts) {
  var made = 0;
  var failed = [];
  if (!drafts.length) {
    return { made: made, failed: failed };
  }
  var label = draftLabelId_();
  drafts.forEach(function (d) {
    try {
      var message = {};
      var earlier = d.touch > 1 ? earlierThread_(d.to) : null;
      message.raw = rawMessage_(d.to, d.subject, d.body, earlier ? earlier.messageId : '');
      if (earlier) {
        message.threadId = earlier.id;
      }
      var draft = gmail_('post', '/drafts', { message: message });
      gmail_('post', '/messages/' + draft.message.id + '/modify', { addLabelIds: [label] });
      made += 1;
    } catch (e) {
      failed.push(d.domain + ': ' + (e && e.message ? e.message : String(e)));
    }
  });
  return { made: made, failed: failed };
}

/** Asks the service for the emails, drafts them in Gmail and says how many were drafted and skipped, and why. */
function draftAction_(title, payload) {
  return runAction_(title, '/drafts', payload, function (r) {
    var result = createGmailDrafts_(r.drafts || []);
    var skipped = (r.skipped || []).map(function (s) { return 'Skipped ' + s.domain + ': ' + s.reason; });
    r.warnings = result.failed.map(function (f) { return 'Not drafted, ' + f; })
      .concat(skipped, r.template_problems || [], r.warnings || []);
    return result.made + ' drafts created in Gmail (label ' + DRAFT_LABEL + '), ' +
      (skipped.length + result.failed.length) + ' skipped; nothing was sent' +
      (r.next_step ? '. Next step: ' + r.next_step : '');
  });
}

/** Backlink gap → Create drafts for due follow-ups. */
function createDueDrafts() {
  return draftAction_('Create drafts', {});
}

/** The Domain of every selected row of the Prospects tab (header row and blanks left out). */
function selectedDomains_() {
  var sheet = SpreadsheetApp.getActiveSpreadsheet().getActiveSheet();
  if (sheet.getName() !== 'Prospects') {
    throw new Error('Select rows on the Prospects tab first');
  }
  var header = sheet.getRange(1, 1, 1, sheet.getLastColumn()).getValues()[0];
  var column = header.indexOf('Domain') + 1;
  if (!column) {
    throw new Error('The Prospects tab has no Domain column');
  }
  var domains = [];
  sheet.getActiveRangeList().getRanges().forEach(function (range) {
    var first = Math.max(range.getRow(), 2);
    var last = range.getRow() + range.getNumRows() - 1;
    if (last >= first) {
      sheet.getRange(first, column, last - first + 1, 1).getValues().forEach(function (row) {
        var domain = String(row[0]).trim();
        if (domain && domains.indexOf(domain) < 0) {
          domains.push(domain);
        }
      });
    }
  });
  return domains;
}

/** Backlink gap → Create drafts for the selected rows. */
function createSelectedDrafts() {
  var domains = selectedDomains_();
  if (!domains.length) {
    SpreadsheetApp.getActiveSpreadsheet().toast('Select one or more prospect rows first.', 'Create drafts', 10);
    return null;
  }
  return draftAction_('Create drafts', { domains: domains });
}

// ---- Gmail sync: the team member's sent mail and replies with prospects' contacts, into the Outreach log ----

var LAST_SYNC_KEY = 'SHEETS_BRIDGE_LAST_GMAIL_SYNC';
var FIRST_SYNC_DAYS = 30;
var ADDRESSES_PER_QUERY = 20;
var EMAIL_PATTERN = /[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}/;

/** Every Contact email address on the Prospects tab, lower case, once each. */
function prospectEmails_() {
  var sheet = SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Prospects');
  if (!sheet) {
    throw new Error('There is no Prospects tab yet: run Score prospects first');
  }
  var values = sheet.getDataRange().getValues();
  var column = values.length ? values[0].indexOf('Contact') : -1;
  var emails = [];
  values.slice(1).forEach(function (row) {
    var found = column >= 0 ? String(row[column]).match(EMAIL_PATTERN) : null;
    var email = found ? found[0].toLowerCase() : '';
    if (email && emails.indexOf(email) < 0) {
      emails.push(email);
    }
  });
  return emails;
}

/** Message ids matching a Gmail query (all pages). */
function messageIds_(query) {
  var ids = [];
  var token = '';
  do {
    var page = gmail_('get', '/messages?maxResults=500&q=' + encodeURIComponent(query) +
      (token ? '&pageToken=' + token : ''));
    (page.messages || []).forEach(function (m) { ids.push(m.id); });
    token = page.nextPageToken || '';
  } while (token);
  return ids;
}

/** The messages since ``after`` (Unix seconds) between the user and these addresses, as sync events. */
function gmailEvents_(emails, after) {
  var events = [];
  for (var i = 0; i < emails.length; i += ADDRESSES_PER_QUERY) {
    var group = emails.slice(i, i + ADDRESSES_PER_QUERY);
    [['sent', 'in:sent {' + group.map(function (e) { return 'to:' + e; }).join(' ') + '}'],
      ['received', '-in:sent {' + group.map(function (e) { return 'from:' + e; }).join(' ') + '}']]
      .forEach(function (pair) {
        messageIds_('after:' + after + ' ' + pair[1]).forEach(function (id) {
          var message = gmail_('get', '/messages/' + id +
            '?format=metadata&metadataHeaders=From&metadataHeaders=To&metadataHeaders=Subject');
          var headers = {};
          (message.payload && message.payload.headers || []).forEach(function (h) {
            headers[String(h.name).toLowerCase()] = String(h.value);
          });
          var people = (pair[0] === 'sent' ? headers.to : headers.from) || '';
          var email = group.filter(function (e) { return people.toLowerCase().indexOf(e) >= 0; })[0];
          if (email) {
            events.push({ id: id, date: new Date(Number(message.internalDate)).toISOString(),
              direction: pair[0], email: email, subject: headers.subject || '' });
          }
        });
      });
  }
  return events;
}

/** Backlink gap → Sync with Gmail: logs Sent and Replied rows since the last sync (each message once). */
function syncWithGmail() {
  var properties = PropertiesService.getUserProperties();
  var now = Date.now();
  var last = Number(properties.getProperty(LAST_SYNC_KEY) || 0);
  var after = Math.floor((last ? last - 3600 * 1000 : now - FIRST_SYNC_DAYS * 86400 * 1000) / 1000);
  var emails = prospectEmails_();
  if (!emails.length) {
    SpreadsheetApp.getActiveSpreadsheet().toast('No prospect has a Contact email yet.', 'Sync with Gmail', 10);
    return null;
  }
  var events = gmailEvents_(emails, after);
  var result = runAction_('Sync with Gmail', '/gmail-sync', { events: events }, function (r) {
    return 'Logged ' + r.logged_sent + ' sent and ' + r.logged_replies + ' replies (' + r.already_logged +
      ' already in the log)';
  });
  if (result) {
    properties.setProperty(LAST_SYNC_KEY, String(now));
  }
  return result;
}

// ---- Daily digest: each morning, follow-ups updated and each Owner mailed their due and overdue prospects ----

var DIGEST_HANDLER = 'sendDailyDigest';
var DIGEST_HOUR = 7;
var DIGEST_SHEET_KEY = 'SHEETS_BRIDGE_DIGEST_SPREADSHEET';

function digestKey_(triggerUid) {
  return DIGEST_SHEET_KEY + ':' + triggerUid;
}

var DIGEST_HOLDER_KEY = 'sheets_bridge.digest';

/**
 * Who holds this spreadsheet's digest: {trigger, email, meta} from its developer metadata (visible to this
 * project only, so a collaborator's own script can neither read nor forge it), or null.
 */
function digestHolder_(spreadsheet) {
  var holder = null;
  spreadsheet.createDeveloperMetadataFinder().withKey(DIGEST_HOLDER_KEY).find().forEach(function (meta) {
    try {
      var value = JSON.parse(meta.getValue());
      if (value && value.trigger) {
        holder = { trigger: String(value.trigger), email: String(value.email || ''), meta: meta };
      }
    } catch (e) {
      meta.remove();  // not ours to keep
    }
  });
  return holder;
}

/**
 * Backlink gap → Turn on the daily digest: one time-driven trigger per spreadsheet, whoever turns it on and
 * however many teammates click (the spreadsheet records whose trigger holds it; a second teammate is told who
 * already has it on). It fires around 7:00 in the spreadsheet's time zone. The trigger's spreadsheet is kept in
 * that person's user properties under the trigger's id, because an add-on's time-driven trigger runs without a
 * document (so without document properties).
 */
function turnOnDailyDigest() {
  var spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  var me = Session.getEffectiveUser().getEmail();
  var holder = digestHolder_(spreadsheet);
  if (holder && holder.email && holder.email !== me) {
    spreadsheet.toast('The daily digest is already on for this spreadsheet (turned on by ' + holder.email +
      '): it mails every Owner, so one is enough.', 'Daily digest', 15);
    return;
  }
  turnOffDailyDigest_(spreadsheet.getId());
  var zone = spreadsheet.getSpreadsheetTimeZone();
  var trigger = ScriptApp.newTrigger(DIGEST_HANDLER).timeBased().everyDays(1).atHour(DIGEST_HOUR)
    .inTimezone(zone).create();
  PropertiesService.getUserProperties().setProperty(digestKey_(trigger.getUniqueId()), spreadsheet.getId());
  if (holder) {
    holder.meta.remove();
  }
  spreadsheet.addDeveloperMetadata(DIGEST_HOLDER_KEY, JSON.stringify({ trigger: trigger.getUniqueId(), email: me }),
    SpreadsheetApp.DeveloperMetadataVisibility.PROJECT);
  spreadsheet.toast('Each morning around ' + DIGEST_HOUR + ':00 (' + zone + '), follow-ups are updated and ' +
    'every Owner who can edit this spreadsheet gets an email with their due and overdue prospects.',
  'Daily digest: on', 15);
}

/** Backlink gap → Turn off the daily digest, for this spreadsheet, whoever turned it on (others' stay on). */
function turnOffDailyDigest() {
  var spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  var holder = digestHolder_(spreadsheet);
  var removed = turnOffDailyDigest_(spreadsheet.getId());
  if (holder) {
    holder.meta.remove();  // a teammate's trigger finds itself released and removes itself next morning
  }
  spreadsheet.toast(removed || holder ? 'No more digest emails.' : 'The digest was not on.', 'Daily digest: off', 10);
}

function turnOffDailyDigest_(spreadsheetId) {
  var removed = 0;
  var properties = PropertiesService.getUserProperties();
  ScriptApp.getProjectTriggers().forEach(function (trigger) {
    if (trigger.getHandlerFunction() !== DIGEST_HANDLER) {
      return;
    }
    var key = digestKey_(trigger.getUniqueId());
    var sheet = properties.getProperty(key);
    if (sheet && sheet !== spreadsheetId) {
      return;  // another spreadsheet's digest
    }
    ScriptApp.deleteTrigger(trigger);
    properties.deleteProperty(key);
    removed += 1;
  });
  return removed;
}

/** The spreadsheet a digest trigger is for: by the trigger's id, else (a bound script's older trigger) the
 * document's own property, else the active spreadsheet. */
function digestSpreadsheet_(e) {
  var id = e && e.triggerUid ? PropertiesService.getUserProperties().getProperty(digestKey_(e.triggerUid)) : null;
  if (!id) {
    try {
      id = PropertiesService.getDocumentProperties().getProperty(DIGEST_SHEET_KEY);
    } catch (err) {
      id = null;  // no document here: an add-on's trigger
    }
  }
  return id ? SpreadsheetApp.openById(id) : SpreadsheetApp.getActiveSpreadsheet();
}

/** The digest email for one owner: plain text, a link to each prospect's row. */
function digestBody_(owner, spreadsheetId, gid) {
  var link = function (p) {
    return '- ' + p.domain + ': ' + p.next_action + '\n  https://docs.google.com/spreadsheets/d/' + spreadsheetId +
      '/edit#gid=' + gid + '&range=A' + p.row;
  };
  var parts = [];
  if (owner.overdue.length) {
    parts.push('Overdue (' + owner.overdue.length + '):\n' + owner.overdue.map(link).join('\n'));
  }
  if (owner.due.length) {
    parts.push('Due today (' + owner.due.length + '):\n' + owner.due.map(link).join('\n'));
  }
  return parts.join('\n\n') + '\n\nCreate the drafts from Backlink gap → Create drafts for due follow-ups.';
}

/** The time-driven trigger: update follow-ups, then one email per owner with something due; none otherwise. */
function sendDailyDigest(e) {
  var spreadsheet = digestSpreadsheet_(e);
  var holder = digestHolder_(spreadsheet);
  if (e && e.triggerUid && (!holder || holder.trigger !== String(e.triggerUid))) {
    // turned off, or another teammate's trigger holds it: this one retires instead of mailing twice
    ScriptApp.getProjectTriggers().forEach(function (trigger) {
      if (trigger.getUniqueId() === String(e.triggerUid)) {
        ScriptApp.deleteTrigger(trigger);
      }
    });
    PropertiesService.getUserProperties().deleteProperty(digestKey_(e.triggerUid));
    return 0;
  }
  var today = Utilities.formatDate(new Date(), spreadsheet.getSpreadsheetTimeZone(), 'yyyy-MM-dd');
  // who may receive it: the spreadsheet's editors (the service also keeps to the deployment's allowed domains)
  var editors = spreadsheet.getEditors().map(function (user) { return user.getEmail(); });
  var result = callService_('post', '/v1/spreadsheets/' + spreadsheet.getId() + '/digest',
    { today: today, editors: editors });
  var prospects = spreadsheet.getSheetByName('Prospects');
  var gid = prospects ? prospects.getSheetId() : 0;
  var sent = 0;
  (result.owners || []).forEach(function (owner) {
    var count = owner.due.length + owner.overdue.length;
    if (!count) {
      return;
    }
    MailApp.sendEmail(owner.owner, 'Backlink gap: ' + count + ' follow-ups for ' + today + ' in ' +
      spreadsheet.getName(), digestBody_(owner, spreadsheet.getId(), gid));
    sent += 1;
  });
  return sent;
}

/** Backlink gap → Add "Do not contact" prospects to the list: every prospect with that Status, once. */
function addDoNotContact() {
  return runAction_('Do not contact', '/do-not-contact', {}, function (r) {
    return r.added.length ? 'Added to the Do not contact tab: ' + r.added.join(', ')
      : 'Nothing to add: every prospect with Status Do not contact is already listed';
  });
}

/** Backlink gap → Pull rankings from Search Console (the property in Settings; the Targets' pages). */
function pullRankings() {
  return runAction_('Pull rankings', '/rankings', {}, function (r) {
    return r.rows + ' rows for ' + r.pages + ' target pages from ' + r.site + ' (' + r.added + ' new)';
  });
}
