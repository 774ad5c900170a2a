// The demo page: a chat over one WebSocket, the chat application's counts, and silent clients.
// The WebSocket goes to /ws on this page's host (through Ferry); ?ws=URL points it elsewhere, and
// ?silent=N changes the number of silent clients the button opens (default 50, at most 200).
(function () {
  'use strict';

  const params = new URLSearchParams(location.search);
  const SILENT_CLIENTS = Math.max(1, Math.min(200, parseInt(params.get('silent'), 10) || 50));
  const SILENT_KEEP_MS = 3000; // how long the page keeps its silent clients open before dropping them

  const wsUrl = params.get('ws') || ((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
  const $ = function (id) { return document.getElementById(id); };
  let socket = null;
  let silentOpen = 0;
  let silentDropped = 0;

  function say(text, cls, from) {
    const li = document.createElement('li');
    if (cls) li.className = cls;
    if (from !== undefined) {
      const who = document.createElement('span');
      who.className = 'from';
      who.textContent = '#' + from;
      li.appendChild(who);
    }
    li.appendChild(document.createTextNode(text));
    const list = $('messages');
    list.appendChild(li);
    while (list.children.length > 200) list.removeChild(list.firstChild);
    list.scrollTop = list.scrollHeight;
  }

  function setState(text, cls) {
    const s = $('ws-state');
    s.textContent = text;
    s.className = 'state ' + cls;
  }

  function showCounts(c) {
    $('app-chat-clients').textContent = c.chatClients;
    $('app-silent-held').textContent = c.silentHeld;
    $('app-silent-peer-gone').textContent = c.silentPeerGone;
    $('app-silent-closed').textContent = c.silentClosed;
    $('app-messages').textContent = c.messages;
  }

  function connect() {
    setState('connecting', '');
    socket = new WebSocket(wsUrl);
    socket.onopen = function () { setState('open', 'open'); };
    socket.onmessage = function (e) {
      let m;
      try { m = JSON.parse(e.data); } catch (err) { say(String(e.data)); return; }
      if (m.type === 'hello') say('connected as #' + m.id, 'system');
      else if (m.type === 'chat') say(m.text, '', m.from);
      else if (m.type === 'counts') showCounts(m);
    };
    socket.onclose = function (e) {
      setState('closed (' + e.code + ')', 'closed');
      say('connection closed; reconnecting in 2 s', 'system');
      setTimeout(connect, 2000);
    };
  }

  $('send').addEventListener('submit', function (e) {
    e.preventDefault();
    const input = $('text');
    if (input.value && socket && socket.readyState === WebSocket.OPEN) {
      socket.send(input.value);
      input.value = '';
    }
  });

  // Silent clients live in a frame of their own (silent.html); removing the frame drops them all at once.
  $('silent-n').textContent = SILENT_CLIENTS;
  $('open-silent').textContent = 'Open ' + SILENT_CLIENTS + ' silent clients';
  $('open-silent').addEventListener('click', function () {
    const frame = document.createElement('iframe');
    frame.hidden = true;
    frame.src = '/silent.html?n=' + SILENT_CLIENTS + '&ws=' + encodeURIComponent(wsUrl);
    let seen = { open: 0, closed: 0 };
    let dropTimer = null;
    function onMessage(e) {
      if (e.source !== frame.contentWindow || !e.data || e.data.type !== 'silent-clients') return;
      silentOpen += (e.data.open - e.data.closed) - (seen.open - seen.closed);
      seen = e.data;
      $('page-silent-open').textContent = silentOpen;
      if (dropTimer === null && e.data.open + e.data.closed >= e.data.n) {
        dropTimer = setTimeout(drop, SILENT_KEEP_MS);
      }
    }
    function drop() {
      window.removeEventListener('message', onMessage);
      const open = seen.open - seen.closed;
      frame.remove();
      silentOpen -= open;
      silentDropped += open;
      $('page-silent-open').textContent = silentOpen;
      $('page-silent-dropped').textContent = silentDropped;
    }
    window.addEventListener('message', onMessage);
    document.body.appendChild(frame);
  });

  connect();
})();
