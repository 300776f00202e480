// Confide's one script. Pages are rendered on the server; this file sends every change to the JSON
// API with the session's CSRF token, streams answers, and asks htmx to re-render parts of pages.
// It never turns strings into HTML: text goes into the page with textContent only.
(function () {
  'use strict';

  const $ = (selector, root = document) => root.querySelector(selector);

  // ---- the API ------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  function csrfToken() {
    const meta = $('meta[name="csrf-token"]');
    return meta ? meta.content : '';
  }

  async function errorOf(response) {
    let code = 'http_' + response.status;
    let message = 'The request failed (' + response.status + ').';
    try {
      const body = await response.json();
      if (body && body.error) {
        code = body.error.code;
        message = body.error.message;
      }
    } catch (notJson) {
      // keep the generic message
    }
    return new ApiError(response.status, code, message);
  }

  function request(method, path, body, accept, token) {
    const headers = { Accept: accept, 'X-CSRF-Token': token || csrfToken() };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    return fetch(path, {
      method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body)
    });
  }

  async function api(method, path, body, token) {
    const response = await request(method, path, body, 'application/json', token);
    if (response.status === 401 && csrfToken()) {
      // the session ended (logged out elsewhere, expired): back to the log-in page (the staff console names its own)
      const login = $('meta[name="confide-login"]');
      location.assign(login ? login.content : '/login');
    }
    if (!response.ok) {
      throw await errorOf(response);
    }
    return response.status === 204 ? null : response.json();
  }

  /** Reads server-sent events from a fetch response, calling onEvent(name, data) for each. */
  async function readEvents(response, onEvent) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      buffer += decoder.decode(value || new Uint8Array(0), { stream: !done });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) {
            name = line.slice(6).trim();
          } else if (line.startsWith('data:')) {
            data.push(line.slice(5).replace(/^ /, ''));
          }
        }
        if (data.length) {
          onEvent(name, data.join('\n'));
        }
      }
      if (done) {
        return;
      }
    }
  }

  // ---- small helpers ------------------------------------------------------------------------

  function sentence(text) {
    const s = String(text || 'Something went wrong.');
    return s.charAt(0).toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? '' : '.');
  }

  function announce(text) {
    const region = $('#announcer');
    if (region) {
      region.textContent = '';
      // a fresh change, so the same words are read again
      setTimeout(() => { region.textContent = text; }, 50);
    }
  }

  function showError(box, text) {
    box.textContent = sentence(text);
    box.hidden = false;
    if (box.hasAttribute('tabindex')) {
      box.focus();
    }
  }

  function swap(url, target) {
    return window.htmx ? window.htmx.ajax('GET', url, { target, swap: 'innerHTML' }) : Promise.resolve();
  }

  /** The server seals the choice into an HttpOnly cookie (P19); the page only learns it from its meta tag. */
  function setCookieChoice(choice) {
    return api('POST', '/api/cookie-choice', { choice });
  }

  function analyticsAllowed() {
    const meta = $('meta[name="confide-analytics"]');
    return meta !== null && meta.content === 'granted';
  }

  /** Opens the page's confirmation dialog with the text of a template; resolves true on confirm. */
  function confirmAction(templateId, confirmLabel) {
    const dialog = $('#confirm-dialog');
    const content = $('#confirm-content');
    content.replaceChildren(document.getElementById(templateId).content.cloneNode(true));
    content.querySelector('[data-confirm-title]').id = 'confirm-title';
    $('#confirm-ok').textContent = confirmLabel;
    dialog.returnValue = '';
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
      dialog.showModal();
      $('#confirm-cancel').focus();
    });
  }

  // The staff console's script (staff.js) builds on these.
  window.confide = Object.freeze({ api, announce, showError, sentence, confirmAction });

  // ---- everywhere: log-out and the cookie banner --------------------------------------------

  document.addEventListener('click', async (event) => {
    const button = event.target.closest('[data-action="logout"], [data-action="cookies"]');
    if (!button) {
      return;
    }
    if (button.dataset.action === 'logout') {
      await api('POST', '/api/auth/logout').catch(() => null);
      location.assign('/login');
      return;
    }
    const choice = button.dataset.choice;
    await setCookieChoice(choice).catch(() => null);
    if (csrfToken()) {
      await api('PATCH', '/api/settings', { analyticsCookies: choice === 'analytics' }).catch(() => null);
    }
    const meta = $('meta[name="confide-analytics"]');
    meta.content = choice === 'analytics' ? 'granted' : 'denied';
    $('#cookie-banner').remove();
    $('#main').focus();
    announce(choice === 'analytics' ? 'Analytics cookies allowed.' : 'Only essential cookies will be used.');
  });

  // ---- everywhere: notices to acknowledge (P33, P35) -----------------------------------------

  document.addEventListener('click', async (event) => {
    const button = event.target.closest('[data-action="ack-notice"]');
    if (!button) {
      return;
    }
    const region = $('#pending-notices');
    const notice = button.closest('[data-notice]');
    const title = notice.querySelector('h3').textContent;
    button.disabled = true;
    try {
      await api('POST', '/api/notices/' + encodeURIComponent(button.dataset.id) + '/ack');
    } catch (error) {
      button.disabled = false;
      $('#pending-notices-status').textContent = 'Not saved: ' + sentence(error.message);
      button.focus();
      return;
    }
    notice.remove();
    // the button that had focus is gone: move it to what comes next rather than to the top of the page
    const left = region.querySelectorAll('[data-notice]');
    if (left.length) {
      left[0].querySelector('h3').focus();
    } else {
      region.remove();
      $('#main').focus();
    }
    announce('Notice acknowledged: ' + title + '.' + (left.length ? ' ' + left.length + ' more to read.' : ''));
    if ($('#notice-list')) {
      await swap('/privacy-center/notices', '#notice-list');
    }
  });

  // ---- sign-up and log-in -------------------------------------------------------------------

  const FIELD_OF = {
    weak_password: 'password', invalid_password: 'password', email_taken: 'email', invalid_email: 'email',
    invalid_birth_date: 'birthDate', invalid_date: 'birthDate', invalid_name: 'name'
  };

  function authForm(form, path, after) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const box = $('#form-error');
      box.hidden = true;
      form.querySelectorAll('[aria-invalid]').forEach((field) => field.removeAttribute('aria-invalid'));
      try {
        const session = await api('POST', path, Object.fromEntries(new FormData(form)));
        await after(session);
        location.assign('/chat');
      } catch (error) {
        if (error.code === 'underage') {
          form.reset();
          form.hidden = true;
          const refusal = $('#underage');
          refusal.hidden = false;
          refusal.focus();
          return;
        }
        const field = form.elements[FIELD_OF[error.code]];
        if (field) {
          field.setAttribute('aria-invalid', 'true');
        }
        showError(box, error.message);
      }
    });
  }

  const signup = $('#signup-form');
  if (signup) {
    // A visitor who allowed analytics before having an account keeps that choice, now on record.
    authForm(signup, '/api/auth/signup', (session) => analyticsAllowed()
      ? api('PATCH', '/api/settings', { analyticsCookies: true }, session.csrfToken).catch(() => null)
      : null);
  }
  const login = $('#login-form');
  if (login) {
    authForm(login, '/api/auth/login', () => null);
  }

  // ---- chat ---------------------------------------------------------------------------------

  const transcript = $('#transcript');
  if (transcript) {
    initChat();
  }

  function initChat() {
    const composer = $('#composer');
    const models = $('#model');
    const input = $('#message');
    const errorBox = $('#composer-error');
    const panel = $('#compare');
    const compareButton = $('#compare-button');
    let busy = false;

    loadModels();

    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        composer.requestSubmit();
      }
    });

    composer.addEventListener('submit', (event) => {
      event.preventDefault();
      const content = input.value.trim();
      if (!content || busy) {
        return;
      }
      const id = transcript.dataset.conversation;
      panel.hidden = true;
      appendMessage('user', 'You', content);
      input.value = '';
      stream(id ? '/api/conversations/' + id + '/messages' : '/api/conversations', { content, model: models.value });
    });

    compareButton.addEventListener('click', compare);
    transcript.addEventListener('click', onTranscriptClick);
    transcript.addEventListener('submit', onEditSubmit);
    panel.addEventListener('click', (event) => {
      const button = event.target.closest('[data-choice]');
      if (button) {
        decide(button.dataset.choice);
      }
    });

    async function loadModels() {
      try {
        const list = await api('GET', '/v1/models');
        const last = transcript.querySelectorAll('[data-model]');
        const preferred = last.length ? last[last.length - 1].dataset.model : null;
        const options = list.data.map((model) => {
          const option = document.createElement('option');
          option.value = model.id;
          option.textContent = model.id + (model.confide_builtin ? ' (built in)' : '');
          option.selected = model.id === preferred;
          return option;
        });
        models.replaceChildren(...options);
      } catch (error) {
        showError(errorBox, 'The list of models could not be loaded: ' + error.message);
      }
    }

    function setBusy(on) {
      busy = on;
      transcript.setAttribute('aria-busy', String(on));
      $('#send-button').disabled = on;
      compareButton.disabled = on || !transcript.dataset.conversation;
    }

    function appendMessage(role, author, text) {
      const placeholder = transcript.querySelector('.empty');
      if (placeholder) {
        placeholder.remove();
      }
      const article = document.createElement('article');
      article.className = 'message message-' + role;
      const heading = document.createElement('h2');
      heading.className = 'message-author';
      heading.textContent = author;
      const body = document.createElement('div');
      body.className = 'message-text';
      body.textContent = text;
      article.append(heading, body);
      transcript.append(article);
      return body;
    }

    /** Streams an answer into the transcript, then re-renders the transcript from the server. */
    async function stream(path, body) {
      errorBox.hidden = true;
      setBusy(true);
      const text = appendMessage('assistant', body.model || 'Answer', '');
      text.closest('article').classList.add('streaming');
      let finished = null;
      let conversation = transcript.dataset.conversation;
      try {
        const response = await request('POST', path, body, 'text/event-stream');
        if (!response.ok) {
          throw await errorOf(response);
        }
        conversation = response.headers.get('X-Confide-Conversation') || conversation;
        await readEvents(response, (name, data) => {
          const event = JSON.parse(data);
          if (name === 'delta') {
            text.textContent += event.content;
          } else if (name === 'done') {
            finished = event;
          } else if (name === 'error') {
            throw new ApiError(502, event.error.code, event.error.message);
          }
        });
        if (!finished) {
          throw new ApiError(0, 'stream_cut', 'the answer was cut off; try again');
        }
        $('#answer-live').textContent = 'Answer from ' + finished.message.model + ': ' + finished.message.content;
      } catch (error) {
        showError(errorBox, error.message);
      } finally {
        setBusy(false);
      }
      if (conversation) {
        await conversationShown(conversation);
        await swap('/chat/' + conversation + '/transcript', '#transcript');
      }
    }

    /** After the first answer of a new chat: the address, the list of chats and the title follow. */
    async function conversationShown(id) {
      if (transcript.dataset.conversation === id) {
        return;
      }
      transcript.dataset.conversation = id;
      history.replaceState(null, '', '/chat/' + id);
      compareButton.disabled = false;
      const later = $('#compare-later');
      if (later) {
        later.remove();
      }
      await swap('/chat/list?current=' + encodeURIComponent(id), '#conversation-list');
      const current = $('#conversation-list [aria-current="page"]');
      if (current) {
        $('#chat-title').textContent = current.textContent;
        document.title = current.textContent + ' · Confide';
      }
    }

    async function onTranscriptClick(event) {
      const button = event.target.closest('button[data-action]');
      if (!button || busy) {
        return;
      }
      const article = button.closest('[data-message-id]');
      const id = article.dataset.messageId;
      if (button.dataset.action === 'rate') {
        try {
          await api('POST', '/api/messages/' + id + '/feedback', { rating: button.dataset.rating });
          article.querySelectorAll('[data-action="rate"]').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
          announce('Thank you. Your rating is saved.');
        } catch (error) {
          showError(errorBox, error.message);
        }
      } else if (button.dataset.action === 'regenerate') {
        removeFrom(article);
        stream('/api/messages/' + id + '/regenerate', { model: models.value });
        input.focus();
      } else if (button.dataset.action === 'edit') {
        startEdit(article);
      } else if (button.dataset.action === 'cancel-edit') {
        endEdit(article);
        article.querySelector('[data-action="edit"]').focus();
      }
    }

    function removeFrom(article) {
      while (article.nextElementSibling) {
        article.nextElementSibling.remove();
      }
      article.remove();
    }

    function startEdit(article) {
      const form = $('#edit-template').content.firstElementChild.cloneNode(true);
      const field = form.querySelector('textarea');
      field.value = article.querySelector('.message-text').textContent;
      article.querySelector('.message-text').hidden = true;
      article.querySelector('.message-tools').hidden = true;
      article.append(form);
      field.focus();
    }

    function endEdit(article) {
      article.querySelector('.edit-form').remove();
      article.querySelector('.message-text').hidden = false;
      article.querySelector('.message-tools').hidden = false;
    }

    function onEditSubmit(event) {
      event.preventDefault();
      const article = event.target.closest('[data-message-id]');
      const content = event.target.elements.content.value.trim();
      if (!content || busy) {
        return;
      }
      endEdit(article);
      article.querySelector('.message-text').textContent = content;
      while (article.nextElementSibling) {
        article.nextElementSibling.remove();
      }
      input.focus();
      stream('/api/messages/' + article.dataset.messageId + '/edit', { content, model: models.value });
    }

    function reveal(label, model) {
      const line = panel.querySelector('[data-reveal="' + label + '"]');
      line.textContent = 'Model: ' + model;
      line.hidden = false;
    }

    async function compare() {
      const id = transcript.dataset.conversation;
      const content = input.value.trim();
      if (!content) {
        showError(errorBox, 'write the message both models should answer first');
        input.focus();
        return;
      }
      errorBox.hidden = true;
      const status = $('#compare-status');
      panel.querySelectorAll('[data-answer]').forEach((answer) => { answer.textContent = ''; });
      panel.querySelectorAll('[data-reveal]').forEach((line) => { line.hidden = true; });
      panel.querySelectorAll('[data-choice]').forEach((b) => { b.disabled = true; b.removeAttribute('aria-pressed'); });
      panel.hidden = false;
      status.textContent = 'Two models are answering…';
      appendMessage('user', 'You', content);
      input.value = '';
      setBusy(true);
      try {
        const result = await api('POST', '/api/conversations/' + id + '/compare', { content, models: [] });
        panel.dataset.comparison = result.id;
        for (const answer of result.answers) {
          panel.querySelector('[data-answer="' + answer.label + '"]').textContent = answer.content;
          if (answer.model) {
            reveal(answer.label, answer.model);
          }
        }
        await swap('/chat/' + id + '/transcript', '#transcript');
        panel.querySelectorAll('[data-choice]').forEach((b) => { b.disabled = false; });
        status.textContent = result.blind
          ? 'Both answers are ready. Which model wrote which stays hidden until you choose.'
          : 'Both answers are ready.';
        $('#compare-title').focus();
      } catch (error) {
        panel.hidden = true;
        showError(errorBox, error.message);
        await swap('/chat/' + id + '/transcript', '#transcript');
      } finally {
        setBusy(false);
      }
    }

    async function decide(choice) {
      const status = $('#compare-status');
      const buttons = panel.querySelectorAll('[data-choice]');
      buttons.forEach((b) => { b.disabled = true; });
      try {
        const result = await api('POST', '/api/comparisons/' + panel.dataset.comparison + '/decision', { choice });
        reveal('a', result.models.a);
        reveal('b', result.models.b);
        buttons.forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.choice === choice)));
        const verdict = { a: 'You chose A.', b: 'You chose B.', tie: 'You called it a tie.', both_bad: 'You found both answers bad.' }[choice];
        const kept = result.keptMessageId ? ' The chosen answer continues the chat.' : '';
        await swap('/chat/' + transcript.dataset.conversation + '/transcript', '#transcript');
        status.textContent = verdict + ' A was ' + result.models.a + ', B was ' + result.models.b + '.' + kept;
      } catch (error) {
        buttons.forEach((b) => { b.disabled = false; });
        status.textContent = sentence(error.message);
      }
    }
  }

  // ---- history ------------------------------------------------------------------------------

  const results = $('#results');
  if (results) {
    const search = $('#q');
    const refresh = () => swap('/history/results?q=' + encodeURIComponent(search.value), '#results');
    document.body.addEventListener('htmx:afterSettle', (event) => {
      if (event.detail.target === results) {
        $('#search-status').textContent = $('#result-count').textContent.replace(/\s+/g, ' ').trim();
      }
    });
    document.addEventListener('click', async (event) => {
      const button = event.target.closest('[data-action="delete-conversation"], [data-action="delete-all"]');
      if (!button) {
        return;
      }
      const all = button.dataset.action === 'delete-all';
      if (!await confirmAction(button.dataset.confirm, all ? 'Delete all chats' : 'Delete chat')) {
        return;
      }
      try {
        const outcome = await api('DELETE', all ? '/api/conversations' : '/api/conversations/' + button.dataset.id);
        await refresh();
        search.focus();
        announce(all ? outcome.deleted + (outcome.deleted === 1 ? ' chat deleted.' : ' chats deleted.') : 'Chat deleted.');
      } catch (error) {
        announce(sentence(error.message));
      }
    });
  }

  // ---- privacy center -----------------------------------------------------------------------

  const settingsForm = $('#settings-form');
  if (settingsForm) {
    settingsForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const status = $('#settings-status');
      const select = settingsForm.elements.chatRetentionDays;
      const retention = select.value;
      const shown = Array.from(select.options).find((option) => option.defaultSelected);
      const body = { objections: {}, communication: {} };
      // Sent only when changed: a subject who never chose a retention follows the policy's default, also
      // when it changes later, and saving another setting must not make today's default their choice.
      if (!shown || shown.value !== retention) {
        body.chatRetentionDays = retention === 'keep' ? 'keep' : Number(retention);
      }
      settingsForm.querySelectorAll('input[type="checkbox"]:not(:disabled)').forEach((box) => {
        const [group, key] = box.name.split('.');
        if (key) {
          body[group][key] = box.checked;
        } else {
          body[group] = box.checked;
        }
      });
      try {
        await api('PATCH', '/api/settings', body);
        Array.from(select.options).forEach((option) => { option.defaultSelected = option.value === retention; });
        if ('analyticsCookies' in body) {
          setCookieChoice(body.analyticsCookies ? 'analytics' : 'essential');
        }
        status.textContent = 'Your settings are saved.';
      } catch (error) {
        status.textContent = 'Not saved: ' + sentence(error.message);
      }
    });

    document.addEventListener('click', async (event) => {
      const button = event.target.closest('[data-action="export"], [data-action="delete-account"]');
      if (!button) {
        return;
      }
      if (button.dataset.action === 'export') {
        const status = $('#export-status');
        status.textContent = 'Preparing your download…';
        button.disabled = true;
        try {
          const done = await api('POST', '/api/privacy/requests', { type: 'export' });
          const link = document.createElement('a');
          link.href = '/api/privacy/requests/' + encodeURIComponent(done.id) + '/download';
          link.setAttribute('download', '');
          link.textContent = 'Download my data (zip)';
          status.replaceChildren('Your download is ready: ', link);
          await swap('/privacy-center/requests', '#requests');
        } catch (error) {
          status.textContent = sentence(error.message);
        } finally {
          button.disabled = false;
        }
        return;
      }
      if (!await confirmAction(button.dataset.confirm, 'Delete my account')) {
        return;
      }
      try {
        const erased = await api('DELETE', '/api/me');
        sessionStorage.setItem('confide.receipt', JSON.stringify(erased.receipt));
        location.assign('/account-deleted');
      } catch (error) {
        announce('Your account was not deleted: ' + sentence(error.message));
      }
    });
  }

  // ---- privacy center: the e-mail address and its code -------------------------------------

  const emailAddress = $('#email-address');
  if (emailAddress) {
    const status = $('#email-status');

    // The forms are re-rendered after each step, so their events are caught on the section.
    const refresh = async (focus) => {
      await swap('/privacy-center/email', '#email-address');
      const target = focus && $(focus);
      (target || $('#email-title')).focus();
    };

    emailAddress.addEventListener('submit', async (event) => {
      event.preventDefault();
      const form = event.target;
      const field = form.elements.code || form.elements.email;
      field.removeAttribute('aria-invalid');
      const value = field.value.trim();
      try {
        if (form.dataset.form === 'verify-email') {
          const me = await api('POST', '/api/me/email/verify', { code: value });
          status.textContent = 'Verified: your address is ' + me.email + '.';
          await refresh();
        } else {
          const me = await api('PATCH', '/api/me', { email: value });
          status.textContent = me.pendingEmail
            ? 'We mailed a code to ' + me.pendingEmail + '. Enter it here to finish the change.'
            : 'No change is waiting: that is your address already.';
          await refresh(me.pendingEmail ? '#email-code' : null);
        }
      } catch (error) {
        field.setAttribute('aria-invalid', 'true');
        status.textContent = 'Not done: ' + sentence(error.message);
        if (error.code === 'verification_failed' || error.code === 'email_taken') {
          // the code is void or the change was cancelled: show the section as it now stands
          await refresh();
        } else {
          field.focus();
        }
      }
    });

    emailAddress.addEventListener('click', async (event) => {
      const button = event.target.closest('[data-action="resend-code"]');
      if (!button) {
        return;
      }
      button.disabled = true;
      try {
        await api('POST', '/api/me/email/resend');
        status.textContent = 'A new code is on its way. The codes sent before no longer work.';
        $('#email-code').focus();
      } catch (error) {
        status.textContent = 'Not sent: ' + sentence(error.message);
      } finally {
        button.disabled = false;
      }
    });
  }

  // ---- after deletion: the receipt ----------------------------------------------------------

  const receipt = $('#receipt');
  if (receipt) {
    const stored = sessionStorage.getItem('confide.receipt');
    if (stored) {
      showReceipt(JSON.parse(stored));
    }
  }

  function showReceipt(signed) {
    const payload = JSON.parse(signed.payload);
    const when = (iso) => new Date(iso).toLocaleString('en-GB', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' }) + ' UTC';
    $('[data-receipt="erasedAt"]').textContent = when(payload.erasedAt);
    $('[data-receipt="purgeCompleteBy"]').textContent = when(payload.purgeCompleteBy);
    $('[data-receipt="payload"]').textContent = signed.payload;
    $('[data-receipt="signature"]').textContent = signed.signature;
    $('[data-receipt-list="erased"]').replaceChildren(...payload.erased.map((item) => listItem(item)));
    $('[data-receipt-list="kept"]').replaceChildren(...payload.kept.map((item) => listItem(item.what + ': ' + item.why)));
    receipt.hidden = false;
    $('#no-receipt').hidden = true;
    $('#deleted-title').focus();
  }

  function listItem(text) {
    const item = document.createElement('li');
    item.textContent = text;
    return item;
  }
})();
