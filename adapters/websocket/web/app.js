// reframe web chat. Plain JavaScript, no build step, nothing loaded from other sites.
// Every text from the server or the person is inserted with textContent, never as HTML.
// The session token and the visible conversation are kept in sessionStorage: only in this
// tab, gone when the tab closes.
'use strict';

(function () {
  const storage_key = 'reframe.chat.v1';
  const max_entries = 300;     // the tab's copy keeps the latest entries only
  const max_pause_ms = 4000;   // never keep someone waiting longer for one message
  const max_backoff_ms = 15000;

  const el = {
    log: document.getElementById('log'),
    typing: document.getElementById('typing'),
    options: document.getElementById('options'),
    form: document.getElementById('composer'),
    input: document.getElementById('message'),
    status: document.getElementById('status'),
    help_link: document.getElementById('help-link'),
    help_text: document.getElementById('help-text'),
    clear: document.getElementById('clear'),
  };

  const reduced_motion = window.matchMedia('(prefers-reduced-motion: reduce)');

  // What survives a reload of this tab.
  let saved = load_saved();
  // Connection state.
  let socket = null;
  let welcomed = false;
  let backoff_ms = 1000;
  let reconnect_timer = null;
  const outbox = [];     // says written while not connected, sent after the welcome
  const in_flight = [];  // says sent and not yet answered, oldest first
  // Bot messages wait here while the typing indicator shows their pause.
  const delivery = [];
  let delivering = false;
  let pending_options = null;

  function load_saved() {
    try {
      const raw = window.sessionStorage.getItem(storage_key);
      const data = raw ? JSON.parse(raw) : null;
      if (data && Array.isArray(data.entries)) {
        return {
          token: typeof data.token === 'string' ? data.token : '',
          entries: data.entries.filter((e) => e && typeof e.text === 'string'),
        };
      }
    } catch (e) {
      // Storage may be unavailable (private mode) or hold something else: start afresh.
    }
    return { token: '', entries: [] };
  }

  function store() {
    saved.entries = saved.entries.slice(-max_entries);
    try {
      window.sessionStorage.setItem(storage_key, JSON.stringify(saved));
    } catch (e) {
      // Full or unavailable storage only means a reload will not show the conversation.
    }
  }

  function scroll_to(node) {
    node.scrollIntoView({ block: 'end', behavior: reduced_motion.matches ? 'auto' : 'smooth' });
  }

  // One entry of the log: who is speaking (for screen readers) and the text.
  function show_entry(kind, text) {
    const item = document.createElement('li');
    item.className = 'msg msg-' + kind;
    const speakers = { bot: 'reframe said: ', me: 'You said: ', note: '' };
    if (speakers[kind]) {
      const who = document.createElement('span');
      who.className = 'who';
      who.textContent = speakers[kind];
      item.appendChild(who);
    }
    const body = document.createElement('span');
    body.className = 'text';
    body.textContent = text;
    item.appendChild(body);
    el.log.appendChild(item);
    scroll_to(item);
  }

  function note(text) {
    show_entry('note', text);
  }

  function set_status(text) {
    el.status.textContent = text;
  }

  // Quick replies: one button each; choosing one sends its text as the person's message.
  function show_options(options) {
    el.options.replaceChildren();
    const list = Array.isArray(options) ? options.filter((o) => typeof o === 'string') : [];
    for (const text of list) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'option';
      button.textContent = text;
      button.addEventListener('click', () => {
        send_text(text);
        el.input.focus();
      });
      el.options.appendChild(button);
    }
    el.options.hidden = list.length === 0;
  }

  function wait(ms) {
    return new Promise((resolve) => window.setTimeout(resolve, ms));
  }

  // Shows the bot's messages one by one, each after its typing pause (the engine's pacing),
  // then the quick replies of the last reply.
  async function deliver() {
    if (delivering) return;
    delivering = true;
    while (delivery.length > 0) {
      const message = delivery.shift();
      const pause = Math.min(Math.max(Number(message.pause_ms) || 0, 0), max_pause_ms);
      if (pause > 0) {
        el.typing.hidden = false;
        await wait(pause);
      }
      el.typing.hidden = true;
      show_entry('bot', message.text);
    }
    delivering = false;
    if (pending_options !== null) {
      show_options(pending_options);
      pending_options = null;
    }
  }

  function receive_messages(messages, options) {
    const list = Array.isArray(messages) ? messages.filter((m) => m && typeof m.text === 'string') : [];
    for (const message of list) {
      // Saved at once, so a reload during the typing pause still shows the message.
      saved.entries.push({ kind: 'bot', text: message.text });
      delivery.push(message);
    }
    store();
    pending_options = Array.isArray(options) ? options : [];
    deliver();
  }

  function set_help(help) {
    if (!help || typeof help !== 'object') return;
    if (typeof help.url === 'string') {
      try {
        const url = new URL(help.url);
        if (['https:', 'http:', 'tel:'].includes(url.protocol)) {
          el.help_link.href = url.href;
          el.help_link.target = '_blank';
        }
      } catch (e) {
        // Not a URL: the link keeps pointing at the text beside it.
      }
    }
    if (typeof help.text === 'string' && help.text !== '') {
      el.help_text.textContent = help.text;
    }
  }

  function on_welcome(frame) {
    const had_conversation = saved.entries.length > 0;
    if (typeof frame.session === 'string') saved.token = frame.session;
    store();
    welcomed = true;
    backoff_ms = 1000;
    set_help(frame.help);
    if (frame.resumed) {
      set_status('Connected. You can carry on where you were.');
    } else {
      set_status('Connected.');
      if (had_conversation) {
        // reframe no longer holds the earlier conversation (forgotten, or a server without
        // storage): this tab stops keeping it too; it stays on screen until a reload.
        saved.entries = [];
        store();
        note('A new conversation has started. The earlier one could not be picked up again.');
      }
    }
    receive_messages(frame.messages, frame.options);
    while (outbox.length > 0) transmit(outbox.shift());
  }

  function on_reply(frame) {
    in_flight.shift();
    if (frame.safety) el.help_link.classList.add('urgent');
    receive_messages(frame.messages, frame.options);
  }

  const error_notes = {
    rate_limited: 'That was quicker than I can keep up with. Please wait a moment, then send it again.',
    too_large: 'That message is too long for me to take in one go. Could you send it in shorter parts?',
    invalid_utf8: 'Something in that message could not be read. Could you write it again?',
    bad_frame: 'Something went wrong sending that message. Could you send it again?',
    bad_json: 'Something went wrong sending that message. Could you send it again?',
    unknown_type: 'Something went wrong sending that message. Could you send it again?',
    server_busy: 'reframe is very busy right now. It will try again in a moment.',
    shutting_down: 'reframe is restarting. It will reconnect in a moment.',
  };

  function on_error(frame) {
    // An error answers the oldest unanswered message, if there is one.
    const unanswered = in_flight.shift();
    if (unanswered !== undefined && el.input.value === '' && frame.code === 'rate_limited') {
      el.input.value = unanswered;
    }
    note(error_notes[frame.code] || 'Something went wrong. Please try again in a moment.');
  }

  function on_frame(event) {
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch (e) {
      return;  // not ours to show
    }
    if (!frame || typeof frame !== 'object') return;
    if (frame.type === 'welcome') on_welcome(frame);
    else if (frame.type === 'reply') on_reply(frame);
    else if (frame.type === 'error') on_error(frame);
  }

  function transmit(text) {
    in_flight.push(text);
    socket.send(JSON.stringify({ type: 'say', text: text }));
  }

  function send_text(text) {
    const message = text.trim();
    if (message === '') return;
    saved.entries.push({ kind: 'me', text: message });
    store();
    show_entry('me', message);
    show_options([]);
    pending_options = null;
    if (socket && welcomed && socket.readyState === WebSocket.OPEN) transmit(message);
    else outbox.push(message);
  }

  function socket_url() {
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    return scheme + '//' + window.location.host + '/ws';
  }

  function connect() {
    reconnect_timer = null;
    welcomed = false;
    socket = new WebSocket(socket_url());
    socket.addEventListener('open', () => {
      const hello = saved.token ? { type: 'hello', session: saved.token } : { type: 'hello' };
      socket.send(JSON.stringify(hello));
    });
    socket.addEventListener('message', on_frame);
    socket.addEventListener('close', on_close);
  }

  function on_close() {
    welcomed = false;
    if (in_flight.length > 0) {
      const unanswered = in_flight.splice(0, in_flight.length);
      note('The connection dropped before reframe could answer. Your message is back in the box, ready to send again.');
      if (el.input.value === '') el.input.value = unanswered.join('\n');
    }
    const seconds = Math.round(backoff_ms / 1000);
    set_status('Connection lost. Trying again in ' + seconds + (seconds === 1 ? ' second…' : ' seconds…'));
    reconnect_timer = window.setTimeout(connect, backoff_ms);
    backoff_ms = Math.min(backoff_ms * 2, max_backoff_ms);
  }

  function restore() {
    for (const entry of saved.entries) show_entry(entry.kind === 'me' ? 'me' : 'bot', entry.text);
  }

  function clear_tab() {
    saved = { token: '', entries: [] };
    try {
      window.sessionStorage.removeItem(storage_key);
    } catch (e) {
      // nothing kept, nothing to remove
    }
    el.log.replaceChildren();
    show_options([]);
    delivery.length = 0;
    in_flight.length = 0;
    outbox.length = 0;
    if (socket) {
      socket.removeEventListener('close', on_close);
      socket.close();
    }
    if (reconnect_timer !== null) window.clearTimeout(reconnect_timer);
    set_status('Cleared. Starting a new conversation…');
    connect();
    el.input.focus();
  }

  el.form.addEventListener('submit', (event) => {
    event.preventDefault();
    send_text(el.input.value);
    el.input.value = '';
    el.input.focus();
  });

  el.input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      el.form.requestSubmit();
    }
  });

  el.clear.addEventListener('click', clear_tab);

  restore();
  connect();
}());
