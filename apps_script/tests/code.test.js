'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeContext } = require('./stubs');

const URL = { SHEETS_BRIDGE_SERVICE_URL: 'https://bridge.example.run.app/' };

test('onOpen builds the Backlink gap menu under Extensions (an add-on menu)', () => {
  const { context, calls } = makeContext();
  context.onOpen();
  assert.equal(calls.menus[0].title, '(add-on)');
  assert.deepEqual(calls.menus[0].items.map((i) => i[0]), ['Score prospects', 'Update follow-ups',
    'Refresh dashboard', 'Pull rankings from Search Console', '---', 'Create drafts for due follow-ups', 'Create drafts for the selected rows',
    'Sync with Gmail', 'Turn on the daily digest', 'Turn off the daily digest',
    'Add "Do not contact" prospects to the list', '---',
    'Import export file...', 'Set up this spreadsheet', 'Settings and help...']);
  for (const [, fn] of calls.menus[0].items.filter((i) => i.length === 2)) {
    assert.equal(typeof context[fn], 'function', fn);
  }
});

test('before authorisation (AuthMode.NONE) onOpen and onInstall build the menu and read no property', () => {
  for (const fn of ['onOpen', 'onInstall']) {
    const { context, calls } = makeContext({ authMode: 'NONE' });
    context[fn]({ authMode: 'NONE' });  // a property read would throw here, as in Apps Script
    const labels = calls.menus[0].items.map((i) => i[0]);
    assert.equal(labels[0], 'Start: authorise Backlink gap', fn);
    assert.ok(labels.includes('Score prospects'), fn);
    assert.equal(calls.fetch.length, 0);
  }
});

test('in AuthMode.LIMITED (a bound script) and FULL the menu is the working menu', () => {
  for (const mode of ['LIMITED', 'FULL']) {
    const { context, calls } = makeContext({ authMode: mode });
    context.onOpen({ authMode: mode });
    assert.equal(calls.menus[0].items[0][0], 'Score prospects', mode);
  }
});

test('the service URL is the deployment\'s, set once in script properties, unless the document overrides it', () => {
  const deployed = 'https://bridge.example.run.app';
  const shared = makeContext({ scriptProperties: { SHEETS_BRIDGE_SERVICE_URL: deployed + '/' },
    fetch: () => ({ status: 200, body: '{}' }) });
  shared.context.callService_('get', '/v1/info');
  assert.equal(shared.calls.fetch[0].url, deployed + '/v1/info');
  const own = makeContext({ scriptProperties: { SHEETS_BRIDGE_SERVICE_URL: deployed },
    properties: { SHEETS_BRIDGE_SERVICE_URL: 'https://staging.example.run.app' }, fetch: () => ({ status: 200, body: '{}' }) });
  own.context.callService_('get', '/v1/info');
  assert.equal(own.calls.fetch[0].url, 'https://staging.example.run.app/v1/info');
  const admin = makeContext({});
  assert.equal(admin.context.setDeploymentServiceUrl(' https://x.example.run.app '), 'https://x.example.run.app');
  assert.equal(admin.scriptProperties.SHEETS_BRIDGE_SERVICE_URL, 'https://x.example.run.app');
  assert.throws(() => admin.context.setDeploymentServiceUrl('ftp://x'), /must start with https/);
  assert.throws(() => makeContext({}).context.callService_('get', '/v1/info'), /Set the service URL first/);
});

test('callService_ adds the tokens, mutes HTTP exceptions and returns the JSON', () => {
  const { context, calls } = makeContext({ properties: URL, token: 'tok', accessToken: 'ya29.person',
    fetch: () => ({ status: 200, body: '{"ok": true}' }) });
  assert.deepEqual(JSON.parse(JSON.stringify(context.callService_('get', '/v1/info'))), { ok: true });
  const { url, params } = calls.fetch[0];
  assert.equal(url, 'https://bridge.example.run.app/v1/info');
  assert.equal(params.headers.Authorization, 'Bearer tok');
  assert.equal(params.headers['X-User-Access-Token'], 'ya29.person');
  assert.equal(params.muteHttpExceptions, true);
});

test('callService_ throws the service message', () => {
  const { context } = makeContext({ properties: URL,
    fetch: () => ({ status: 403, body: '{"error": {"code": "not_shared", "message": "Share it as Editor"}}' }) });
  assert.throws(() => context.callService_('post', '/x', {}), /Share it as Editor/);
});

test('callService_ copes with a non-JSON error page', () => {
  const { context } = makeContext({ properties: URL, fetch: () => ({ status: 502, body: '<html>Bad gateway' }) });
  assert.throws(() => context.callService_('post', '/x', {}), /The service answered 502/);
});

test('a missing service URL says where to set it', () => {
  const { context } = makeContext();
  assert.throws(() => context.callService_('get', '/v1/info'), /Settings and help/);
});

test('scoreProspects posts for the active spreadsheet under a lock and summarises', () => {
  const { context, calls } = makeContext({ properties: URL, spreadsheetId: '1' + 'a'.repeat(43),
    fetch: () => ({ status: 200, body: JSON.stringify({ prospects: 12, new: 10, updated: 2, seconds: 1.5 }) }) });
  context.scoreProspects();
  assert.equal(calls.fetch[0].url, 'https://bridge.example.run.app/v1/spreadsheets/1' + 'a'.repeat(43) + '/score');
  assert.equal(calls.fetch[0].params.method, 'post');
  assert.deepEqual(calls.locks, [['try', 5000], ['release']]);
  assert.equal(calls.toasts.at(-1).message, '12 prospects (10 new, 2 updated) in 1.5 s');
});

test('a busy document lock is reported, not waited on', () => {
  const { context, calls } = makeContext({ properties: URL, lockFree: false });
  assert.equal(context.scoreProspects(), null);
  assert.equal(calls.fetch.length, 0);
  assert.match(calls.toasts[0].message, /Another Backlink gap action is running/);
});

test('errors are toasted, rethrown, and the lock released', () => {
  const { context, calls } = makeContext({ properties: URL,
    fetch: () => ({ status: 409, body: '{"error": {"message": "ana started it"}}' }) });
  assert.throws(() => context.updateFollowups(), /ana started it/);
  assert.equal(calls.toasts.at(-1).title, 'Update follow-ups: failed');
  assert.deepEqual(calls.locks.at(-1), ['release']);
});

test('a timeout says the run goes on', () => {
  const { context } = makeContext({ properties: URL, fetch: () => { throw new Error('Request timed out'); } });
  assert.throws(() => context.scoreProspects(), /still working on it/);
});

test('importExportFile checks the form and sends base64', () => {
  const { context, calls } = makeContext({ properties: URL,
    fetch: () => ({ status: 200, body: '{"tab": "rival.com", "rows": 3, "format": "Semrush backlinks"}' }) });
  assert.throws(() => context.importExportFile({ domain: '' }), /Choose an export file/);
  assert.throws(() => context.importExportFile({ domain: 'not a site', content_base64: 'QUJD' }),
    /is not a site name/);
  assert.throws(() => context.importExportFile({ domain: 'rival.com', content_base64: 'A'.repeat(20 * 1024 * 1024) }),
    /larger than 14 MB/);
  assert.equal(calls.fetch.length, 0);
  context.importExportFile({ domain: ' https://www.Rival.com/blog ', filename: 'r.csv', content_base64: 'QUJD' });
  assert.deepEqual(JSON.parse(calls.fetch[0].params.payload),
    { domain: 'rival.com', filename: 'r.csv', content_base64: 'QUJD', append: false });
  assert.equal(calls.toasts.at(-1).message, 'Tab rival.com: 3 rows (Semrush backlinks)');
});

test('importExportFile sends a part to append and says what it added', () => {
  const { context, calls } = makeContext({ properties: URL,
    fetch: () => ({ status: 200, body: '{"tab": "rival.com", "rows": 3, "added": 2, "total": 5, "appended": true, ' +
                                       '"format": "Semrush backlinks"}' }) });
  context.importExportFile({ domain: 'rival.com', filename: 'part2.csv', content_base64: 'QUJD', append: true });
  assert.equal(JSON.parse(calls.fetch[0].params.payload).append, true);
  assert.equal(calls.toasts.at(-1).message, 'Tab rival.com: 2 rows added, 5 in all (Semrush backlinks)');
});

test('saveServiceUrl accepts only http(s) URLs', () => {
  const { context, properties } = makeContext();
  assert.throws(() => context.saveServiceUrl('ftp://x'), /must start with https/);
  context.saveServiceUrl(' https://bridge.example.run.app ');
  assert.equal(properties.SHEETS_BRIDGE_SERVICE_URL, 'https://bridge.example.run.app');
});

test('the sidebar shows the service account to share with', () => {
  const { context } = makeContext({ properties: URL,
    fetch: () => ({ status: 200, body: '{"service_account": "bridge@p.iam.gserviceaccount.com", "version": "0.1.0"}' }) });
  assert.equal(context.getSidebarInfo().serviceAccount, 'bridge@p.iam.gserviceaccount.com');
});

test('a run with warnings shows the first five in a dialog and says where the rest are', () => {
  const warnings = Array.from({ length: 7 }, (_, i) => 'warning ' + (i + 1));
  const { context, calls } = makeContext({ properties: URL,
    fetch: () => ({ status: 200, body: JSON.stringify({ prospects: 3, new: 3, updated: 0, seconds: 1, warnings }) }) });
  context.scoreProspects();
  assert.equal(calls.alerts.length, 1);
  assert.equal(calls.alerts[0].title, 'Score prospects finished with 7 warnings');
  assert.match(calls.alerts[0].prompt, /warning 1\n.*warning 5\n… and 2 more: every warning is in the Run log tab\./s);
  assert.doesNotMatch(calls.alerts[0].prompt, /warning 6/);
});

test('a run without warnings shows no dialog', () => {
  const { context, calls } = makeContext({ properties: URL,
    fetch: () => ({ status: 200, body: JSON.stringify({ prospects: 3, new: 3, updated: 0, seconds: 1, warnings: [] }) }) });
  context.scoreProspects();
  assert.equal(calls.alerts.length, 0);
});

test('the two menu items open the sidebar on their own panel', () => {
  const { context, calls } = makeContext();
  context.showImportSidebar();
  context.showSettingsSidebar();
  assert.match(calls.sidebars[0].appended, /openPanel\("import"\)/);
  assert.match(calls.sidebars[1].appended, /openPanel\("settings"\)/);
});

// ---- Gmail drafts ----

/** A fake Gmail API and service: records calls, answers like Gmail (ids, labels, threads). */
function draftsWorld(service, options = {}) {
  const gmail = [];
  const fetch = (url, params) => {
    if (url.startsWith('https://gmail.googleapis.com/gmail/v1/users/me')) {
      const path = url.slice('https://gmail.googleapis.com/gmail/v1/users/me'.length);
      gmail.push({ method: params.method, path, auth: params.headers.Authorization,
        body: params.payload ? JSON.parse(params.payload) : undefined });
      if (path === '/labels' && params.method === 'get') {
        return { status: 200, body: JSON.stringify({ labels: options.labels || [] }) };
      }
      if (path === '/labels') return { status: 200, body: '{"id": "Label_9"}' };
      if (path.startsWith('/threads?')) {
        return { status: 200, body: JSON.stringify(path.includes('%40earlier.com') ? { threads: [{ id: 't1' }] } : {}) };
      }
      if (path.startsWith('/threads/t1')) {
        return { status: 200, body: JSON.stringify({ messages: [{ payload: { headers: [
          { name: 'Message-ID', value: '<first@mail.example>' }] } }] }) };
      }
      if (path === '/drafts') {
        const raw = Buffer.from(JSON.parse(params.payload).message.raw, 'base64url').toString('utf8');
        if (options.failFor && raw.includes(options.failFor)) {
          return { status: 400, body: '{"error": {"message": "Invalid To header"}}' };
        }
        return { status: 200, body: JSON.stringify({ id: 'd' + gmail.length, message: { id: 'm' + gmail.length } }) };
      }
      return { status: 200, body: '{}' };
    }
    return { status: 200, body: JSON.stringify(service) };
  };
  return { gmail, fetch };
}

const DRAFTS = {
  drafts: [
    { domain: 'new.com', to: 'ann@new.com', touch: 1, subject: 'A resource for your list', body: 'Hi,\nFirst.',
      template_row: 2 },
    { domain: 'earlier.com', to: 'bo@earlier.com', touch: 2, subject: 'Re: A resource', body: 'Hi again',
      template_row: 3 }],
  skipped: [{ domain: 'nomail.com', reason: 'no email address in Contact' }],
  template_problems: [], warnings: []
};

function decoded(raw) {
  return Buffer.from(raw, 'base64url').toString('utf8');
}

test('due drafts: touch 1 new, touch 2 in the earlier thread, labelled, never sent, skips explained', () => {
  const world = draftsWorld(DRAFTS);
  const { context, calls } = makeContext({ properties: URL, fetch: world.fetch });
  context.createDueDrafts();
  assert.match(calls.fetch[0].url, /\/v1\/spreadsheets\/.+\/drafts$/);
  const drafts = world.gmail.filter((c) => c.path === '/drafts');
  assert.equal(drafts.length, 2);
  assert.ok(world.gmail.every((c) => c.auth === 'Bearer stub-oauth-token'));
  const first = decoded(drafts[0].body.message.raw);
  assert.match(first, /^To: ann@new.com\r\nSubject: A resource for your list\r\n/);
  assert.ok(first.endsWith('\r\n\r\nHi,\nFirst.') && drafts[0].body.message.threadId === undefined);
  const second = decoded(drafts[1].body.message.raw);
  assert.equal(drafts[1].body.message.threadId, 't1');
  assert.match(second, /In-Reply-To: <first@mail.example>\r\nReferences: <first@mail.example>/);
  assert.equal(world.gmail.filter((c) => c.path === '/labels' && c.method === 'post').length, 1);
  assert.deepEqual(world.gmail.filter((c) => c.path.endsWith('/modify')).map((c) => c.body.addLabelIds),
    [['Label_9'], ['Label_9']]);
  assert.ok(!world.gmail.some((c) => /send/.test(c.path)), 'nothing is ever sent');
  assert.equal(calls.toasts.at(-1).message,
    '2 drafts created in Gmail (label Backlink gap), 1 skipped; nothing was sent');
  assert.match(calls.alerts[0].prompt, /Skipped nomail.com: no email address in Contact/);
});

test('an existing label is reused, a non-ASCII subject is encoded, a failed draft is reported', () => {
  const service = { drafts: [
    { domain: 'a.com', to: 'x@a.com', touch: 1, subject: 'Café guide', body: 'b', template_row: 2 },
    { domain: 'bad.com', to: 'not an address', touch: 1, subject: 'S', body: 'b', template_row: 2 }],
  skipped: [], template_problems: [], warnings: [] };
  const world = draftsWorld(service, { labels: [{ id: 'Label_1', name: 'Backlink gap' }], failFor: 'To: not an address' });
  const { context, calls } = makeContext({ properties: URL, fetch: world.fetch });
  context.createDueDrafts();
  assert.equal(world.gmail.filter((c) => c.path === '/labels' && c.method === 'post').length, 0);
  const raw = decoded(world.gmail.find((c) => c.path === '/drafts').body.message.raw);
  assert.match(raw, /Subject: =\?UTF-8\?B\?Q2Fmw6kgZ3VpZGU=\?=/);
  assert.equal(calls.toasts.at(-1).message, '1 drafts created in Gmail (label Backlink gap), 1 skipped; nothing was sent');
  assert.match(calls.alerts[0].prompt, /Not drafted, bad.com: Gmail: Invalid To header/);
});

test('drafts for the selected rows send their domains, header and blanks left out', () => {
  const world = draftsWorld({ drafts: [], skipped: [], template_problems: [], warnings: [] });
  const sheet = { name: 'Prospects', values: [['Status', 'Domain'], ['New', 'a.com'], ['New', ''], ['New', 'c.com']],
    selections: [[1, 2], [4, 1]] };
  const { context, calls } = makeContext({ properties: URL, fetch: world.fetch, sheet });
  context.createSelectedDrafts();
  assert.deepEqual(JSON.parse(calls.fetch[0].params.payload), { domains: ['a.com', 'c.com'] });
});

test('drafts for selected rows elsewhere than Prospects say where to select', () => {
  const { context } = makeContext({ properties: URL, sheet: { name: 'Settings', values: [['x']], selections: [] } });
  assert.throws(() => context.createSelectedDrafts(), /Select rows on the Prospects tab first/);
});

// ---- Gmail sync ----

test('Sync with Gmail sends each message with a prospect once, then remembers when it synced', () => {
  const gmail = [];
  const messages = {
    s1: { to: 'Al <al@alpha.com>', from: 'me@team.com', subject: 'A resource', internalDate: '1763715600000' },
    r1: { to: 'me@team.com', from: 'al@alpha.com', subject: 'Re: A resource', internalDate: '1763802000000' }
  };
  let posted = null;
  const fetch = (url, params) => {
    if (url.startsWith('https://gmail.googleapis.com/')) {
      const path = url.split('/users/me')[1];
      gmail.push(decodeURIComponent(path));
      if (path.startsWith('/messages?')) {
        const query = decodeURIComponent(path);
        const ids = query.includes('-in:sent') ? ['r1'] : ['s1'];
        return { status: 200, body: JSON.stringify({ messages: ids.map((id) => ({ id })) }) };
      }
      const id = path.split('/messages/')[1].split('?')[0];
      const m = messages[id];
      return { status: 200, body: JSON.stringify({ internalDate: m.internalDate, payload: { headers: [
        { name: 'From', value: m.from }, { name: 'To', value: m.to }, { name: 'Subject', value: m.subject }] } }) };
    }
    posted = JSON.parse(params.payload);
    return { status: 200, body: JSON.stringify({ logged_sent: 1, logged_replies: 1, already_logged: 0 }) };
  };
  const sheet = { name: 'Prospects', values: [['Domain', 'Contact'], ['alpha.com', 'Al <AL@alpha.com>'],
    ['nomail.com', '']], selections: [] };
  const { context, calls, userProperties } = makeContext({ properties: URL, fetch, sheet });
  context.syncWithGmail();
  assert.match(gmail[0], /after:\d+ in:sent \{to:al@alpha.com\}/);
  assert.match(gmail.find((q) => q.includes('-in:sent')), /from:al@alpha.com/);
  assert.deepEqual(posted.events.map((e) => [e.id, e.direction, e.email]),
    [['s1', 'sent', 'al@alpha.com'], ['r1', 'received', 'al@alpha.com']]);
  assert.equal(posted.events[0].date, new Date(1763715600000).toISOString());
  assert.equal(calls.toasts.at(-1).message, 'Logged 1 sent and 1 replies (0 already in the log)');
  assert.ok(Number(userProperties.SHEETS_BRIDGE_LAST_GMAIL_SYNC) > 0);
  // the next sync looks back only to an hour before the last one
  const again = makeContext({ properties: URL, fetch, sheet,
    userProperties: { SHEETS_BRIDGE_LAST_GMAIL_SYNC: String(Date.UTC(2026, 10, 20)) } });
  gmail.length = 0;
  again.context.syncWithGmail();
  assert.match(gmail[0], new RegExp('after:' + (Date.UTC(2026, 10, 20) / 1000 - 3600) + ' '));
});

// ---- Daily digest ----

test('the daily digest is one trigger, in the spreadsheet\'s time zone, turned on and off from the menu', () => {
  const { context, calls, userProperties, metadata } = makeContext({ properties: URL, timeZone: 'Europe/Berlin' });
  context.turnOnDailyDigest();
  context.turnOnDailyDigest();  // a second click replaces, never doubles
  assert.deepEqual(calls.triggers.map((t) => [t.handler, t.everyDays, t.atHour, t.timezone]),
    [['sendDailyDigest', 1, 7, 'Europe/Berlin']]);
  const key = 'SHEETS_BRIDGE_DIGEST_SPREADSHEET:' + calls.triggers[0].id;
  assert.deepEqual(Object.keys(userProperties), [key]);  // the trigger's spreadsheet, by the trigger's id
  assert.equal(metadata.length, 1);  // the spreadsheet records whose trigger holds its digest
  assert.equal(metadata[0].visibility, 'PROJECT');
  assert.deepEqual(JSON.parse(metadata[0].value), { trigger: String(calls.triggers[0].id), email: 'ana@team.com' });
  context.turnOffDailyDigest();
  assert.equal(calls.triggers.length, 0);
  assert.deepEqual(Object.keys(userProperties), []);
  assert.equal(metadata.length, 0);
  assert.equal(calls.toasts.at(-1).message, 'No more digest emails.');
});

test('a second teammate turning the digest on is told who has it on, and no second trigger is made', () => {
  const metadata = [];
  const ana = makeContext({ properties: URL, metadata, user: 'ana@team.com' });
  ana.context.turnOnDailyDigest();
  const bo = makeContext({ properties: URL, metadata, user: 'bo@team.com' });
  bo.context.turnOnDailyDigest();
  assert.equal(bo.calls.triggers.length, 0);
  assert.match(bo.calls.toasts.at(-1).message, /already on for this spreadsheet \(turned on by ana@team\.com\)/);
  // bo turns it off for the spreadsheet: ana's trigger retires the next morning without mailing anyone
  bo.context.turnOffDailyDigest();
  assert.equal(metadata.length, 0);
  const uid = String(ana.calls.triggers[0].id);
  const morning = makeContext({ properties: URL, metadata, noDocument: true,
    userProperties: { ['SHEETS_BRIDGE_DIGEST_SPREADSHEET:' + uid]: '1abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' } });
  morning.calls.triggers.push({ handler: 'sendDailyDigest', id: ana.calls.triggers[0].id });
  assert.equal(morning.context.sendDailyDigest({ triggerUid: uid }), 0);
  assert.equal(morning.calls.fetch.length, 0);
  assert.equal(morning.calls.mails.length, 0);
  assert.equal(morning.calls.triggers.length, 0);  // it removed itself
});

test('an add-on\'s digest trigger finds its spreadsheet by trigger id, without a document', () => {
  let posted = null;
  const metadata = [];
  const { context, calls } = makeContext({ properties: URL, spreadsheetId: '1other', editors: ['ana@team.com'],
    metadata });
  context.turnOnDailyDigest();
  const trigger = calls.triggers[0];
  const later = makeContext({ noDocument: true, scriptProperties: URL, editors: ['ana@team.com'], metadata,
    userProperties: { ['SHEETS_BRIDGE_DIGEST_SPREADSHEET:' + trigger.id]: '1other' },
    fetch: (url, params) => { posted = { url, body: JSON.parse(params.payload) };
      return { status: 200, body: JSON.stringify({ owners: [], warnings: [] }) }; } });
  later.context.sendDailyDigest({ triggerUid: String(trigger.id) });
  assert.equal(posted.url, 'https://bridge.example.run.app/v1/spreadsheets/1other/digest');
  assert.deepEqual(posted.body.editors, ['ana@team.com']);
});

test('the digest mails each owner with something due, with links to the rows, and nobody else', () => {
  const service = { owners: [
    { owner: 'ana@team.com', overdue: [{ domain: 'a.com', next_action: 'Overdue since 2026-11-20: send touch 2 of 4',
      row: 5 }], due: [{ domain: 'b.com', next_action: 'Due today: send touch 3 of 4', row: 9 }] },
    { owner: 'bo@team.com', overdue: [], due: [] }], warnings: [] };
  let posted = null;
  const { context, calls } = makeContext({ properties: Object.assign({ SHEETS_BRIDGE_DIGEST_SPREADSHEET: '1book' },
    URL), fetch: (url, params) => { posted = { url, body: JSON.parse(params.payload) };
    return { status: 200, body: JSON.stringify(service) }; }, sheet: { name: 'Prospects', values: [['Domain']],
    selections: [] }, editors: ['ana@team.com', 'bo@team.com'] });
  assert.equal(context.sendDailyDigest(), 1);
  assert.deepEqual(posted.body.editors, ['ana@team.com', 'bo@team.com']);
  assert.equal(posted.url, 'https://bridge.example.run.app/v1/spreadsheets/1book/digest');
  assert.match(posted.body.today, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(calls.mails.length, 1);
  assert.equal(calls.mails[0].to, 'ana@team.com');
  assert.match(calls.mails[0].subject, /^Backlink gap: 2 follow-ups for \d{4}-\d{2}-\d{2} in Team book$/);
  assert.match(calls.mails[0].body, /Overdue \(1\):\n- a\.com: Overdue since 2026-11-20: send touch 2 of 4\n {2}https:\/\/docs\.google\.com\/spreadsheets\/d\/1book\/edit#gid=42&range=A5/);
  assert.match(calls.mails[0].body, /Due today \(1\):\n- b\.com/);
});

test('Do not contact prospects are added to the list from the menu', () => {
  const { context, calls } = makeContext({ properties: URL,
    fetch: () => ({ status: 200, body: JSON.stringify({ added: ['x.com', 'y.com'], already_listed: 1 }) }) });
  context.addDoNotContact();
  assert.match(calls.fetch[0].url, /\/do-not-contact$/);
  assert.equal(calls.toasts.at(-1).message, 'Added to the Do not contact tab: x.com, y.com');
});

test('rankings are pulled for the active spreadsheet and summarised', () => {
  const { context, calls } = makeContext({ properties: URL,
    fetch: () => ({ status: 200, body: JSON.stringify({ rows: 90, pages: 3, site: 'sc-domain:mine.com', added: 12 }) }) });
  context.pullRankings();
  assert.match(calls.fetch[0].url, /\/rankings$/);
  assert.equal(calls.toasts.at(-1).message, '90 rows for 3 target pages from sc-domain:mine.com (12 new)');
});

test('a queued run waits its turn with a toast, then runs; a queue longer than the patience fails in words', () => {
  const answers = [
    { status: 503, body: JSON.stringify({ error: { code: 'queued', ahead: 3, retry_after: 20,
      message: 'Queued behind 3 runs, about 20 s: Google allows this account about a dozen runs a minute' } }) },
    { status: 200, body: JSON.stringify({ new: 4, updated: 0, tiers: {}, prospects: 4, left_gap: 0, warnings: [] }) }];
  const { context, calls } = makeContext({ properties: URL, fetch: () => answers.shift() });
  context.scoreProspects();
  assert.deepEqual(calls.sleeps, [20000]);
  assert.equal(calls.toasts.find((t) => /queued/.test(t.title)).message.slice(0, 26), 'Queued behind 3 runs, abou');
  assert.match(calls.toasts.at(-1).title, /Score prospects: done/);
  const long = makeContext({ properties: URL, fetch: () => ({ status: 503, body: JSON.stringify({ error: {
    code: 'queued', ahead: 30, retry_after: 200, message: 'Queued behind 30 runs, about 200 s' } }) }) });
  assert.throws(() => long.context.scoreProspects(), /Queued behind 30 runs/);
  assert.deepEqual(long.calls.sleeps, [200000]);  // waited once (200 s); a second wait would pass 240 s
});

test('a draft header never carries a line break from a sheet cell', () => {
  const { context } = makeContext({ properties: URL });
  const raw = context.rawMessage_('ana@site.com', 'Your CRM list', 'Hello', '<m1@mail.gmail.com>');
  const text = Buffer.from(raw, 'base64url').toString('utf8');
  assert.match(text, /^To: ana@site\.com\r\nSubject: Your CRM list\r\n/);
  assert.match(text, /In-Reply-To: <m1@mail\.gmail\.com>\r\nReferences: <m1@mail\.gmail\.com>\r\n\r\nHello$/);
  assert.throws(() => context.rawMessage_('ana@site.com\r\nBcc: all@evil.example', 'S', 'B', ''), /To of a draft/);
  assert.throws(() => context.rawMessage_('ana@site.com', 'Hi\nBcc: x@evil.example', 'B', ''), /Subject of a draft/);
  assert.throws(() => context.rawMessage_('ana@site.com', 'S', 'B', '<m1>\r\nBcc: x@evil.example'),
    /In-Reply-To of a draft/);
});
