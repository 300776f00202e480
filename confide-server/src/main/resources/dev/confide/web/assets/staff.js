// The staff console's script, on top of confide.js (window.confide). Console pages are shells: this
// file fills them from /api/admin, so roles are checked and every call is audited in one place, and
// sends every change there with the staff CSRF token. Text goes into the page with textContent only.
(function () {
  'use strict';

  const { api, announce, showError, sentence, confirmAction } = window.confide;
  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  const meta = (name) => { const m = $('meta[name="' + name + '"]'); return m ? m.content : ''; };

  // ---- time: deadlines count down on the server's clock, not the browser's --------------------

  const serverTimeAtLoad = Date.parse(meta('server-time'));
  const loadedAt = Date.now();
  const now = () => serverTimeAtLoad + (Date.now() - loadedAt);
  const MINUTE = 60000;
  const HOUR = 60 * MINUTE;
  const DAY = 24 * HOUR;

  function plural(n, unit) {
    return n + ' ' + unit + (n === 1 ? '' : 's');
  }

  /** "3 days 4 hours left", "OVERDUE by 2 hours 5 minutes"; {@code hours} counts in hours only (the 72-hour clock). */
  function timeLeft(iso, hours) {
    const ms = Date.parse(iso) - now();
    const abs = Math.abs(ms);
    let parts;
    if (!hours && abs >= DAY) {
      parts = [plural(Math.floor(abs / DAY), 'day'), plural(Math.floor((abs % DAY) / HOUR), 'hour')];
    } else if (abs >= HOUR) {
      parts = [plural(Math.floor(abs / HOUR), 'hour'), plural(Math.floor((abs % HOUR) / MINUTE), 'minute')];
    } else {
      parts = [plural(Math.floor(abs / MINUTE), 'minute')];
    }
    return ms < 0 ? { overdue: true, text: 'OVERDUE by ' + parts.join(' ') } : { overdue: false, text: parts.join(' ') + ' left' };
  }

  /** A countdown that keeps itself current (see refreshClocks). */
  function countdown(iso, hours) {
    const node = h('span', { class: 'countdown', dataset: { due: iso, hours: hours ? 'yes' : '' } });
    renderCountdown(node);
    return node;
  }

  function renderCountdown(node) {
    const left = timeLeft(node.dataset.due, node.dataset.hours === 'yes');
    node.textContent = left.text;
    node.classList.toggle('overdue', left.overdue);
  }

  setInterval(() => $$('.countdown[data-due]').forEach(renderCountdown), 30000);

  function when(iso) {
    if (!iso) {
      return '';
    }
    return new Date(iso).toLocaleString('en-GB', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' }) + ' UTC';
  }

  function time(iso) {
    return iso ? h('time', { datetime: iso, text: when(iso) }) : '';
  }

  /** The value of a datetime-local field, read as UTC; null when empty. */
  function utc(value) {
    if (!value) {
      return null;
    }
    return new Date(value + (value.length === 16 ? ':00Z' : 'Z')).toISOString();
  }

  // ---- building the page ------------------------------------------------------------------------

  /** An element with properties and children; strings become text, never HTML. */
  function h(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) {
        continue;
      }
      if (key === 'class') {
        node.className = value;
      } else if (key === 'text') {
        node.textContent = value;
      } else if (key === 'dataset') {
        Object.assign(node.dataset, value);
      } else if (key.startsWith('on') || key === 'style') {
        throw new Error('no inline handlers or styles: ' + key);
      } else {
        node.setAttribute(key, value === true ? '' : String(value));
      }
    }
    for (const child of children.flat(Infinity)) {
      if (child !== null && child !== undefined && child !== false) {
        node.append(child);
      }
    }
    return node;
  }

  /** A table whose cells carry their column name, so that on a phone each row reads as a card. */
  function table(caption, columns, rows, cells, rowProps) {
    return h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
      h('caption', { class: caption.visible ? null : 'sr-only', text: caption.text || caption }),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', text: c })))),
      h('tbody', {}, rows.map((row) => h('tr', rowProps ? rowProps(row) : {},
        cells(row).map((cell, i) => h('td', { 'data-label': columns[i] }, cell)))))));
  }

  function facts(pairs) {
    return h('dl', { class: 'facts' }, pairs.flatMap(([term, value]) => [h('dt', { text: term }), h('dd', {}, value)]));
  }

  function short(id) {
    return id ? String(id).slice(0, 8) : '';
  }

  function idText(id) {
    return h('span', { class: 'id', title: id, text: short(id) });
  }

  function subjectLink(id) {
    return h('a', { href: '/staff/subjects/' + encodeURIComponent(id), class: 'id', text: id });
  }

  /** What a section shows when its API call fails: not offered by this server, not for this role, or the error. */
  function failure(error, optional) {
    if (optional && error.status === 404 && error.code === 'not_found') {
      return h('p', { class: 'unavailable', text: 'Not available: this Confide server does not offer this yet.' });
    }
    if (error.status === 403 && error.code === 'forbidden_role') {
      return h('p', { class: 'unavailable', text: 'Your role does not include this. ' + sentence(error.message) });
    }
    return h('p', { class: 'error-summary', text: sentence(error.message) });
  }

  /** Fills {@code container} from a GET; {@code optional} endpoints may be missing from this server. */
  async function load(container, path, render, optional) {
    container.setAttribute('aria-busy', 'true');
    try {
      const data = await api('GET', path);
      container.replaceChildren(...[].concat(render(data)).filter(Boolean));
      return data;
    } catch (error) {
      container.replaceChildren(failure(error, optional));
      return null;
    } finally {
      container.removeAttribute('aria-busy');
    }
  }

  /**
   * Sends a form's values with {@code send(form)}; shows errors in the form's error box and
   * {@code done}'s words in its status line. A form marked data-optional posts to an API this
   * server may not offer yet.
   */
  function onSubmit(form, send, done) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const errorBox = $('.error-summary', form);
      const status = $(':scope > .status, :scope > [role="status"]', form);
      const button = $('button[type="submit"]', form);
      errorBox.hidden = true;
      if (status) {
        status.textContent = '';
      }
      button.disabled = true;
      try {
        const result = await send(form);
        const words = await done(result);
        if (words && status) {
          status.textContent = words;
        }
      } catch (error) {
        const missing = form.hasAttribute('data-optional') && error.status === 404 && error.code === 'not_found';
        showError(errorBox, missing ? 'not available: this Confide server does not offer this yet' : error.message);
      } finally {
        button.disabled = false;
      }
    });
  }

  const value = (form, name) => form.elements[name].value.trim();
  const optionalValue = (form, name) => value(form, name) || undefined;

  // ---- log-in, password, log-out ------------------------------------------------------------

  const loginForm = $('#staff-login-form');
  if (loginForm) {
    loginForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const box = $('#form-error');
      box.hidden = true;
      try {
        const session = await api('POST', '/api/admin/login', {
          email: value(loginForm, 'email'), password: loginForm.elements.password.value, totp: value(loginForm, 'totp')
        });
        location.assign(session.passwordChangeRequired ? '/staff/password' : '/staff');
      } catch (error) {
        loginForm.elements.totp.value = '';
        showError(box, error.message);
      }
    });
  }

  const passwordForm = $('#staff-password-form');
  if (passwordForm) {
    passwordForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const box = $('#form-error');
      const fields = passwordForm.elements;
      box.hidden = true;
      fields.confirmPassword.removeAttribute('aria-invalid');
      if (fields.newPassword.value !== fields.confirmPassword.value) {
        fields.confirmPassword.setAttribute('aria-invalid', 'true');
        showError(box, 'the two new passwords differ');
        return;
      }
      try {
        await api('POST', '/api/admin/password', { currentPassword: fields.currentPassword.value, newPassword: fields.newPassword.value });
        location.assign('/staff');
      } catch (error) {
        showError(box, error.message);
      }
    });
  }

  document.addEventListener('click', async (event) => {
    if (event.target.closest('[data-action="staff-logout"]')) {
      await api('POST', '/api/admin/logout').catch(() => null);
      location.assign('/staff/login');
    }
  });

  // ---- privacy requests ---------------------------------------------------------------------

  const REQUEST_TYPES = {
    access: 'Copy of their data', export: 'Download of their data', rectify: 'Correction', erase: 'Erasure',
    restrict: 'Restriction', object: 'Objection', opt_out_sale: 'Opt-out of sale and sharing', limit_sensitive: 'Limit sensitive data'
  };
  const OPEN = ['received', 'extended', 'verifying'];

  const queue = $('#queue');
  if (queue) {
    const showAll = $('#show-all');
    const refresh = () => load(queue, '/api/admin/requests' + (showAll.checked ? '?status=all' : ''), renderQueue);
    showAll.addEventListener('change', refresh);
    refresh();

    queue.addEventListener('submit', async (event) => {
      event.preventDefault();
      const form = event.target;
      const id = form.closest('tr').dataset.request;
      const errorBox = $('.error-summary', form);
      errorBox.hidden = true;
      try {
        if (form.dataset.form === 'verify') {
          const done = await api('POST', '/api/admin/requests/' + id + '/verify', { code: value(form, 'code') });
          announce('Identity verified. The request is ' + done.status + '.');
        } else if (form.dataset.form === 'resolve') {
          const corrected = value(form, 'corrected') === 'yes';
          await api('POST', '/api/admin/requests/' + id + '/resolve', { corrected, reason: optionalValue(form, 'reason') });
          announce(corrected ? 'Marked corrected; the requester gets the receipt.' : 'Declined; the requester gets the reason.');
        } else {
          await api('POST', '/api/admin/requests/' + id + '/extend', { reason: value(form, 'reason') });
          announce('Deadline extended.');
        }
        await refresh();
        // the form is gone with the old table: keep the keyboard on the same request
        const row = $('tr[data-request="' + id + '"]', queue);
        if (row) {
          row.tabIndex = -1;
          row.focus();
        }
      } catch (error) {
        showError(errorBox, error.message);
      }
    });

    onSubmit($('#intake-form'), (form) => api('POST', '/api/admin/requests', {
      email: value(form, 'email'), type: value(form, 'type'), jurisdiction: optionalValue(form, 'jurisdiction'),
      receivedAt: utc(value(form, 'receivedAt')) || undefined,
      purposes: $$('input[name="purposes"]:checked', form).map((box) => box.value)
    }), async (filed) => {
      $('#intake-form').reset();
      await refresh();
      return 'Recorded (request ' + short(filed.id) + '). A code was mailed to the account\'s address: when the requester '
        + 'reads it back, enter it in the queue.';
    });
  }

  function renderQueue(body) {
    const entries = body.data;
    const open = entries.filter((e) => OPEN.includes(e.status));
    const overdue = entries.filter((e) => e.overdue).length;
    $('#queue-summary').textContent = plural(open.length, 'open request') + (overdue ? ', ' + overdue + ' overdue.' : ', none overdue.');
    if (!entries.length) {
      return h('p', { text: 'The queue is empty.' });
    }
    return table('Privacy requests, open ones first, soonest deadline first',
      ['Request', 'Subject', 'Channel', 'Status', 'Deadline', 'Actions'], entries, (e) => [
        [REQUEST_TYPES[e.type] || e.type, h('span', { class: 'hint' }, 'id ', idText(e.id))],
        subjectLink(e.subjectId),
        [e.channel, e.jurisdiction ? h('span', { class: 'hint', text: e.jurisdiction }) : null],
        e.status,
        [time(e.dueAt), OPEN.includes(e.status) ? countdown(e.dueAt) : null,
          e.overdue ? h('strong', { class: 'flag overdue', text: 'Overdue' }) : null,
          h('span', { class: 'hint' }, 'received ', time(e.receivedAt))],
        OPEN.includes(e.status) ? requestActions(e) : ''
      ], (e) => ({ 'data-request': e.id, class: e.overdue ? 'row-overdue' : null }));
  }

  function requestActions(e) {
    const forms = [];
    const label = (REQUEST_TYPES[e.type] || e.type) + ' ' + short(e.id);
    if (e.status === 'verifying') {
      forms.push(h('form', { dataset: { form: 'verify' } },
        h('div', { class: 'error-summary', role: 'alert', hidden: true }),
        h('label', { for: 'code-' + e.id, text: 'Code read back by the requester' },
          h('span', { class: 'sr-only', text: ' for ' + label })),
        h('input', { id: 'code-' + e.id, name: 'code', type: 'text', inputmode: 'numeric', autocomplete: 'off', required: true }),
        h('button', { type: 'submit', text: 'Verify' })));
    }
    if (e.type === 'rectify' && e.status !== 'verifying') {
      forms.push(h('details', {}, h('summary', {}, 'Settle the correction', h('span', { class: 'sr-only', text: ' ' + label })),
        h('form', { dataset: { form: 'resolve' } },
          h('div', { class: 'error-summary', role: 'alert', hidden: true }),
          h('fieldset', {}, h('legend', { text: 'Was the data corrected?' }),
            h('div', { class: 'toggle' }, h('input', { type: 'radio', id: 'corrected-yes-' + e.id, name: 'corrected', value: 'yes', checked: true }),
              h('label', { for: 'corrected-yes-' + e.id, text: 'Yes, corrected as asked' })),
            h('div', { class: 'toggle' }, h('input', { type: 'radio', id: 'corrected-no-' + e.id, name: 'corrected', value: 'no' }),
              h('label', { for: 'corrected-no-' + e.id, text: 'No' }))),
          h('label', { for: 'resolve-reason-' + e.id, text: 'Reason (told to the requester; required when not corrected)' }),
          h('textarea', { id: 'resolve-reason-' + e.id, name: 'reason', rows: 2 }),
          h('button', { type: 'submit', text: 'Settle' }))));
    }
    if (e.status !== 'extended') {
      forms.push(h('details', {}, h('summary', {}, 'Extend the deadline', h('span', { class: 'sr-only', text: ' of ' + label })),
        h('form', { dataset: { form: 'extend' } },
          h('div', { class: 'error-summary', role: 'alert', hidden: true }),
          h('label', { for: 'reason-' + e.id, text: 'Reason (told to the requester)' }),
          h('textarea', { id: 'reason-' + e.id, name: 'reason', rows: 2, required: true }),
          h('button', { type: 'submit', text: 'Extend once' }))));
    }
    return forms.length ? forms : '';
  }

  // ---- break-glass grants and subjects ------------------------------------------------------

  const me = meta('staff-id');

  const grantList = $('#grant-list');
  if (grantList) {
    const refresh = () => load(grantList, '/api/admin/grants', renderGrants);
    refresh();
    onSubmit($('#grant-form'), (form) => api('POST', '/api/admin/grants', {
      subjectId: value(form, 'subjectId'), reason: value(form, 'reason'), ticket: value(form, 'ticket'),
      minutes: Number(value(form, 'minutes'))
    }), async (grant) => {
      await refresh();
      const status = $('#grant-form .status');
      if (grant.status === 'ACTIVE') {
        status.replaceChildren('Access open for ' + plural(grant.minutes, 'minute') + '. ',
          h('a', { href: '/staff/subjects/' + encodeURIComponent(grant.subjectId), text: 'Open the subject' }));
        return null;
      }
      return 'Asked. A privacy officer other than you must approve it.';
    });
    grantList.addEventListener('click', async (event) => {
      const button = event.target.closest('button[data-decision]');
      if (!button) {
        return;
      }
      const decision = button.dataset.decision;
      if (decision !== 'approve' && !await confirmAction('grant-' + decision + '-meaning', button.dataset.label)) {
        return;
      }
      try {
        await api('POST', '/api/admin/grants/' + button.closest('tr').dataset.grant + '/' + decision);
        await refresh();
        announce({ approve: 'Grant approved.', deny: 'Grant denied.', revoke: 'Grant revoked.' }[decision]);
      } catch (error) {
        announce(sentence(error.message));
      }
    });
  }

  function grantState(g) {
    if (g.status === 'ACTIVE') {
      return ['active', countdown(g.expiresAt), h('span', { class: 'hint' }, 'until ', time(g.expiresAt))];
    }
    if (g.status === 'PENDING') {
      return ['waiting for approval', h('span', { class: 'hint' }, 'asked ', time(g.requestedAt))];
    }
    return [g.status.toLowerCase(), h('span', { class: 'hint' }, time(g.closedAt || g.decidedAt || g.expiresAt))];
  }

  function renderGrants(body) {
    if (!body.data.length) {
      return h('p', { text: 'No grants yet.' });
    }
    return table('Break-glass grants, newest first', ['Subject', 'Asked by', 'Reason and ticket', 'Status', 'Actions'],
      body.data, (g) => [
        subjectLink(g.subjectId),
        g.staffId === me ? 'you' : idText(g.staffId),
        [g.reason === null ? h('em', { text: 'no longer readable (subject erased)' }) : g.reason,
          h('span', { class: 'hint', text: 'ticket ' + g.ticket + ', ' + plural(g.minutes, 'minute') })],
        grantState(g),
        grantActions(g)
      ], (g) => ({ 'data-grant': g.id, 'data-status': g.status.toLowerCase() }));
  }

  function grantActions(g) {
    const who = ' grant for ' + short(g.subjectId);
    const button = (decision, label, danger) => h('button', { type: 'button', class: danger ? 'danger' : null, dataset: { decision, label } },
      label, h('span', { class: 'sr-only', text: who }));
    if (g.status === 'PENDING') {
      return h('div', { class: 'actions' }, g.staffId === me ? null : button('approve', 'Approve'), button('deny', 'Deny', true));
    }
    if (g.status === 'ACTIVE') {
      return h('div', { class: 'actions' },
        g.staffId === me ? h('a', { href: '/staff/subjects/' + encodeURIComponent(g.subjectId), text: 'Open subject' }) : null,
        button('revoke', 'Revoke', true));
    }
    return '';
  }

  const subjectPage = $('#subject-page');
  if (subjectPage) {
    const id = subjectPage.dataset.subject;
    const path = '/api/admin/subjects/' + encodeURIComponent(id);
    load($('#subject-meta'), path, (m) => facts([
      ['Account created', time(m.createdAt)], ['Conversations', String(m.conversations)], ['Messages', String(m.messages)],
      ['Support tickets', String(m.support_tickets)], ['Privacy requests', String(m.privacy_requests)],
      ['API keys', String(m.api_keys)], ['HIPAA account', m.hipaa ? 'yes (under a BAA)' : 'no']
    ]));
    load($('#subject-grant'), '/api/admin/grants', (body) => {
      const live = body.data.find((g) => g.status === 'ACTIVE' && g.staffId === me && g.subjectId === id);
      if (!live) {
        return [h('p', { text: 'You have no live break-glass grant for this person, so their conversations stay closed.' }),
          h('p', {}, h('a', { href: '/staff/grants?subject=' + encodeURIComponent(id), text: 'Ask for access' }))];
      }
      const read = h('button', { type: 'button', id: 'read-conversations', text: 'Read their conversations' });
      read.addEventListener('click', async () => {
        read.disabled = true;
        const target = $('#subject-conversations');
        const body = await load(target, path + '/conversations', renderConversations);
        if (body) {
          announce('Showing ' + plural(body.data.length, 'conversation') + '.');
        }
        read.disabled = false;
      });
      return [h('p', {}, 'You have a live grant (ticket ' + live.ticket + '): ', countdown(live.expiresAt)),
        h('p', { text: 'Each conversation you open is recorded in the audit log under this grant.' }), read];
    });
  }

  function renderConversations(body) {
    if (!body.data.length) {
      return h('p', { text: 'This person has no conversations.' });
    }
    return body.data.map((c) => h('article', { class: 'conversation' },
      h('h3', { text: c.title || 'Untitled conversation' }),
      h('p', { class: 'hint' }, 'started ', time(c.createdAt), ', last active ', time(c.lastActivityAt)),
      c.messages.map((turn) => h('section', { class: 'message message-' + turn.message.role },
        h('h4', { class: 'message-author', text: (turn.message.role === 'user' ? 'The person' : turn.message.model || 'Answer')
          + (turn.versions > 1 ? ' (version ' + turn.version + ' of ' + turn.versions + ')' : '') }),
        h('div', { class: 'message-text', text: turn.message.content })))));
  }

  // ---- audit log ----------------------------------------------------------------------------

  const auditEntries = $('#audit-entries');
  if (auditEntries) {
    const filter = $('#audit-filter');
    const newer = $('#audit-newer');
    const older = $('#audit-older');
    const cursors = []; // the "before" of each page shown, for going back to newer entries
    let next = null;

    const show = async (before) => {
      const query = new URLSearchParams({ limit: '50' });
      for (const name of ['actor', 'subject', 'action']) {
        if (value(filter, name)) {
          query.set(name, value(filter, name));
        }
      }
      if (before !== null) {
        query.set('before', before);
      }
      const page = await load(auditEntries, '/api/admin/audit?' + query, renderAudit);
      next = page ? page.nextBefore : null;
      older.disabled = next === null || next === undefined;
      newer.disabled = cursors.length <= 1;
    };
    filter.addEventListener('submit', (event) => {
      event.preventDefault();
      cursors.length = 0;
      cursors.push(null);
      show(null);
    });
    older.addEventListener('click', () => { cursors.push(next); show(next); });
    newer.addEventListener('click', () => { cursors.pop(); show(cursors[cursors.length - 1]); });
    cursors.push(null);
    show(null);

    load($('#audit-head'), '/api/admin/audit/head', (head) => facts([
      ['Entry', String(head.seq)], ['MAC', h('span', { class: 'id', text: head.mac })], ['At', time(head.at)]]));

    onSubmit($('#verify-form'), (form) => {
      const query = value(form, 'seq') && value(form, 'mac')
        ? '?' + new URLSearchParams({ seq: value(form, 'seq'), mac: value(form, 'mac') }) : '';
      return api('GET', '/api/admin/audit/verify' + query);
    }, (result) => {
      const box = $('#verify-result');
      box.replaceChildren(result.valid
        ? h('p', { class: 'verify-result valid' }, h('strong', { text: 'Valid. ' }),
          result.entriesChecked + (result.entriesChecked === 1 ? ' entry' : ' entries') + ' checked; the chain is unbroken.')
        : h('p', { class: 'verify-result broken' }, h('strong', { text: 'Broken. ' }),
          'First bad entry: #' + result.firstBadSeq + '. ' + sentence(result.problem)));
      return null;
    });
  }

  function renderAudit(page) {
    if (!page.data.length) {
      return h('p', { text: 'No entries match.' });
    }
    return table('Audit entries, newest first', ['#', 'When', 'Actor', 'Action', 'Subject', 'Target', 'Detail'],
      page.data, (e) => [
        String(e.seq), time(e.at),
        [e.actor.kind.toLowerCase(), e.actor.id ? [' ', idText(e.actor.id)] : null],
        e.action,
        e.subject ? subjectLink(e.subject) : '',
        e.targetKind ? [e.targetKind, e.targetId ? [' ', idText(e.targetId)] : null] : '',
        Object.entries(e.detail || {}).map(([k, v]) => k + '=' + v).join(', ')
      ], (e) => ({ 'data-seq': e.seq }));
  }

  // ---- incidents ----------------------------------------------------------------------------

  /** The regulator clock: time left, OVERDUE, or when the regulator was told. */
  function regulatorClock(i) {
    if (i.regulatorNotifiedAt) {
      return [h('span', { class: 'flag ok', text: 'Regulator notified' }), ' ', time(i.regulatorNotifiedAt)];
    }
    if (i.status === 'closed') {
      return 'closed';
    }
    return [countdown(i.regulatorDeadline, true), i.regulatorOverdue ? h('strong', { class: 'flag overdue', text: 'Overdue' }) : null,
      h('span', { class: 'hint' }, 'deadline ', time(i.regulatorDeadline))];
  }

  const incidentList = $('#incident-list');
  if (incidentList) {
    load(incidentList, '/api/admin/incidents', (body) => body.data.length
      ? table('Incidents, newest first', ['Incident', 'Status', 'Regulator clock', 'Affected', 'Notices'], body.data, (i) => [
        [h('a', { href: '/staff/incidents/' + encodeURIComponent(i.id), text: i.description }),
          h('span', { class: 'hint' }, 'aware ', time(i.awareAt))],
        i.status, regulatorClock(i), String(i.affectedSubjects),
        i.noticesSent + ' sent, ' + i.noticesPending + ' pending'
      ], (i) => ({ 'data-incident': i.id, class: i.regulatorOverdue ? 'row-overdue' : null }))
      : h('p', { text: 'No incidents recorded.' }));

    const form = $('#incident-form');
    scopeFields(form);
    onSubmit(form, (f) => api('POST', '/api/admin/incidents', {
      awareAt: utc(value(f, 'awareAt')), detectedAt: utc(value(f, 'detectedAt')) || undefined,
      description: value(f, 'description'),
      categories: $$('input[name="categories"]:checked', f).map((box) => box.value)
        .concat(value(f, 'otherCategories').split(',').map((c) => c.trim()).filter(Boolean)),
      scope: incidentScope(f)
    }), (incident) => {
      location.assign('/staff/incidents/' + encodeURIComponent(incident.id));
      return 'Recorded.';
    });
  }

  /** Shows only the fields the chosen kind of scope needs. */
  function scopeFields(form) {
    const scope = form.elements.scope;
    const show = () => $$('[data-scope-field]', form).forEach((field) => {
      field.hidden = !field.dataset.scopeField.split(' ').includes(scope.value);
    });
    scope.addEventListener('change', show);
    show();
  }

  function incidentScope(form) {
    const kind = form.elements.scope.value;
    const ids = () => value(form, 'ids').split(/\s+/).filter(Boolean);
    switch (kind) {
      case 'subjects': case 'grants': return { kind, ids: ids() };
      case 'api_key': return { kind, keyId: value(form, 'keyId'), from: utc(value(form, 'from')), to: utc(value(form, 'to')) };
      case 'active_between': return { kind, from: utc(value(form, 'from')), to: utc(value(form, 'to')) };
      default: return null;
    }
  }

  const incidentPage = $('#incident-page');
  if (incidentPage) {
    const path = '/api/admin/incidents/' + encodeURIComponent(incidentPage.dataset.incident);
    const refresh = () => load($('#incident-detail'), path, renderIncident);
    refresh();
    const send = (suffix, body) => api('POST', path + suffix, body);
    onSubmit($('#status-form'), (f) => send('/status', { status: value(f, 'status'), note: optionalValue(f, 'note') }),
      async (i) => { await refresh(); return 'Status is now ' + i.status + '.'; });
    onSubmit($('#regulator-form'), (f) => send('/regulator-notified', { notifiedAt: utc(value(f, 'notifiedAt')) || undefined }),
      async () => { await refresh(); return 'Regulator notification recorded.'; });
    onSubmit($('#measure-form'), (f) => send('/measures', { measure: value(f, 'measure') }),
      async () => { $('#measure-form').reset(); await refresh(); return 'Measure recorded.'; });
    scopeFields($('#scope-form'));
    onSubmit($('#scope-form'), (f) => {
      const scope = incidentScope(f);
      if (!scope) {
        throw new Error('Choose who is affected.');
      }
      return send('/scope', { scope });
    }, async (i) => { $('#scope-form').reset(); await refresh(); return 'Affected now: ' + i.affectedSubjects + '.'; });
    onSubmit($('#notify-form'), (f) => send('/notices', {
      summary: value(f, 'summary'), measures: value(f, 'measures'), advice: value(f, 'advice')
    }), async (run) => {
      await refresh();
      return plural(run.sent, 'notice') + ' sent, ' + run.failed + ' failed, ' + run.stillPending + ' still pending.';
    });
  }

  function renderIncident(i) {
    const panel = $('.clock-panel');
    panel.classList.toggle('is-overdue', i.regulatorOverdue);
    $('#incident-clock').replaceChildren(h('div', {}, h('p', { class: 'clock' }, regulatorClock(i)),
      i.hipaaDeadline ? h('p', {}, 'HIPAA deadline: ', time(i.hipaaDeadline), ' ', countdown(i.hipaaDeadline),
        i.hipaaOverdue ? h('strong', { class: 'flag overdue', text: 'Overdue' }) : null) : null));
    return [
      h('h2', { text: 'What happened' }),
      h('p', { class: 'message-text', text: i.description }),
      facts([['Status', i.status], ['Aware at', time(i.awareAt)], ['Detected at', time(i.detectedAt)],
        ['Data involved', i.categories.join(', ')], ['Affected people', String(i.affectedSubjects)],
        ['HIPAA accounts among them', String(i.hipaaSubjects)],
        ['Notices', i.noticesSent + ' sent, ' + i.noticesPending + ' pending']]),
      h('h2', { text: 'Timeline' }),
      h('ol', { class: 'timeline' }, (i.timeline || []).map((e) => h('li', {}, time(e.at), ' ', h('strong', { text: e.kind }),
        e.note ? ': ' + e.note : '')))
    ];
  }

  // ---- policy, disclosures ------------------------------------------------------------------

  const versions = $('#policy-versions');
  if (versions) {
    const refresh = () => load(versions, '/api/admin/policy/versions', (body) => body.data.length
      ? table('Published policy versions', ['Version', 'Published', 'Summary', 'Significant', 'Content SHA-256'], body.data, (v) => [
        v.version, time(v.publishedAt), v.summary, v.significant ? 'yes' + (v.announcedAt ? ', announced' : '') : 'no',
        h('span', { class: 'id', text: v.contentSha256 || '' })])
      : h('p', { text: 'No version published yet.' }), true);
    refresh();
    load($('#policy-verify'), '/api/admin/policy/verify', (report) => [
      h('p', {}, h('strong', { text: report.ok ? 'Every promise made is enforced. ' : 'Some promises are not enforced. ' }),
        report.promisesMadeAndEnforced + ' of ' + report.promisesMade + ' promises made are enforced.'),
      table('Promises', ['Promise', 'Made', 'Enforced', 'Why'], report.promises, (p) => [
        p.id + ' ' + p.title, p.made ? 'yes' : 'no', p.enforced ? 'yes' : 'no', p.reason || ''])
    ], true);
    onSubmit($('#publish-form'), (f) => api('POST', '/api/admin/policy/versions', {
      version: optionalValue(f, 'version'), summary: value(f, 'summary'), significant: f.elements.significant.checked
    }), async (v) => {
      $('#publish-form').reset();
      await refresh();
      return 'Version ' + v.version + ' published.';
    });
  }

  const disclosures = $('#disclosures');
  if (disclosures) {
    const filter = $('#disclosure-filter');
    const refresh = () => {
      const query = new URLSearchParams();
      for (const name of ['from', 'to']) {
        if (value(filter, name)) {
          query.set(name, value(filter, name));
        }
      }
      return load(disclosures, '/api/admin/disclosures' + (query.toString() ? '?' + query : ''), (body) => [
        h('h3', { text: 'To processors' }),
        body.flows.length
          ? table('Disclosures to processors per day', ['Day', 'Processor', 'Purpose', 'Data', 'Disclosures', 'Records'], body.flows,
            (f) => [f.day, f.processor, f.purpose, f.category, String(f.flows), String(f.records)])
          : h('p', { text: 'Nothing was disclosed to processors in this period.' }),
        h('h3', { text: 'Required by law' }),
        body.data.length
          ? table('Legal disclosures, newest first', ['Authority', 'Legal basis', 'Data', 'People', 'Disclosed', 'Hold'], body.data,
            (d) => [d.authority, d.legalBasis, d.categories.join(', '), String(d.subjects.length), time(d.disclosedAt),
              d.hold ? ['until ', time(d.hold.until)] : 'none'])
          : h('p', { text: 'No legal disclosures recorded.' })
      ], true);
    };
    filter.addEventListener('submit', (event) => { event.preventDefault(); refresh(); });
    refresh();
    onSubmit($('#legal-form'), (f) => api('POST', '/api/admin/disclosures', {
      authority: value(f, 'authority'), legalBasis: value(f, 'legalBasis'),
      categories: $$('input[name="categories"]:checked', f).map((box) => box.value),
      subjects: value(f, 'subjects').split(/\s+/).filter(Boolean),
      disclosedAt: utc(value(f, 'disclosedAt')) || undefined,
      hold: value(f, 'holdUntil') ? { until: utc(value(f, 'holdUntil')), reason: value(f, 'holdReason') } : undefined
    }), async (recorded) => {
      $('#legal-form').reset();
      await refresh();
      return 'Recorded' + (recorded.hold ? ', held until ' + when(recorded.hold.until) : '') + '.';
    });
  }

  // ---- charts -------------------------------------------------------------------------------

  // Distinguishable colours with at least 3:1 contrast against white.
  const PALETTE = ['#1d4ed8', '#b45309', '#047857', '#b91c1c', '#6d28d9', '#0e7490', '#be185d', '#4d7c0f'];

  function chart(canvas, config) {
    if (!window.Chart) {
      canvas.replaceWith(h('p', { class: 'unavailable', text: 'The chart could not be drawn; the table has the numbers.' }));
      return;
    }
    // Text in the page's colour (the default grey is too faint); no animation: the final picture at once.
    window.Chart.defaults.color = '#1a1a1a';
    config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false }, config.options || {});
    return new window.Chart(canvas, config);
  }

  const usageCanvas = $('#usage-chart');
  if (usageCanvas) {
    const { months, rows } = JSON.parse(usageCanvas.dataset.usage);
    const models = [...new Set(rows.map((r) => r.model))].sort();
    chart(usageCanvas, {
      type: 'bar',
      data: {
        labels: months,
        datasets: models.map((model, i) => ({
          label: model, backgroundColor: PALETTE[i % PALETTE.length],
          data: months.map((m) => (rows.find((r) => r.month === m && r.model === model) || { requests: 0 }).requests)
        }))
      },
      options: {
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'Requests' } } }
      }
    });
  }

  const leaderboard = $('#leaderboard');
  if (leaderboard) {
    load(leaderboard, '/api/admin/analytics/leaderboard', (standings) => {
      if (!standings.entries.length) {
        return h('p', { text: 'No comparison decisions yet (' + plural(standings.decisions, 'decision') + ').' });
      }
      const canvas = h('canvas', { id: 'leaderboard-chart', role: 'img',
        'aria-label': 'Bar chart of model ratings with their 95% intervals; the same numbers are in the table below.' });
      const parts = [
        h('p', { text: plural(standings.decisions, 'decision') + ' counted, ' + standings.bothBad + ' where both answers were bad.' }),
        h('div', { class: 'chart' }, canvas),
        table({ text: 'Leaderboard, best first', visible: true }, ['Rank', 'Model', 'Rating', '95% interval', 'Wins / losses / ties', 'Comparisons'],
          standings.entries, (e) => [String(e.rank), e.model, e.rating.toFixed(1), e.ciLower.toFixed(1) + ' to ' + e.ciUpper.toFixed(1),
            e.wins + ' / ' + e.losses + ' / ' + e.ties, String(e.comparisons)]),
        standings.unrankable.length ? h('p', { text: 'Not ranked (only in both-bad decisions): ' + standings.unrankable.join(', ') }) : null,
        h('p', {}, h('a', { href: '/api/admin/analytics/leaderboard?format=csv', download: 'leaderboard.csv', text: 'Download as CSV' }))
      ];
      // drawn once the canvas is in the page, so Chart.js can measure it
      setTimeout(() => chart(canvas, {
        type: 'bar',
        data: {
          labels: standings.entries.map((e) => e.model),
          datasets: [
            { label: 'Rating', data: standings.entries.map((e) => e.rating), backgroundColor: PALETTE[0] },
            { label: '95% interval', data: standings.entries.map((e) => [e.ciLower, e.ciUpper]), backgroundColor: PALETTE[1] }
          ]
        }
      }), 0);
      return parts;
    }, true);
  }
})();
