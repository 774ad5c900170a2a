'use strict';
// Load clients and origins for bench/run, using only Node's standard library.
//
//   node tools.js origin --ws-port P --tcp-port Q
//       WebSocket echo origin (RFC 6455, hand-written handshake and framing) on P and a TCP
//       source on Q (writes 64 KiB blocks as fast as the reader takes them, discards input).
//       Prints "READY" once both listen.
//   node tools.js ws-probe  --port P                 one handshake and one echo
//   node tools.js tcp-probe --port P                 connect and read at least one byte
//   node tools.js ws-rtt    --port P --conns N --duration S [--size B]
//   node tools.js tcp-read  --port P --conns N --duration S
//   node tools.js ws-idle   --port P --conns N [--batch B]
//       Opens N tunnels, prints {"open":N,...}, holds them until a line arrives on stdin
//       (or stdin closes, or --max-hold seconds pass), then closes them and exits.
// Every client prints one JSON object per line on stdout and bounds its own run time.

const net = require('net');
const http = require('http');
const crypto = require('crypto');

const HOST = '127.0.0.1';
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) { o[argv[i].slice(2)] = argv[i + 1]; i++; }
  }
  return o;
}

function out(obj) { process.stdout.write(JSON.stringify(obj) + '\n'); }

function die(msg) { out({ error: msg }); process.exit(1); }

// ---- frames ---------------------------------------------------------------------------------

// Parses as many complete frames as `buf` holds; returns [frames, rest].
function parseFrames(buf) {
  const frames = [];
  let off = 0;
  for (;;) {
    if (buf.length - off < 2) break;
    const b0 = buf[off], b1 = buf[off + 1];
    const masked = (b1 & 0x80) !== 0;
    let len = b1 & 0x7f;
    let pos = off + 2;
    if (len === 126) {
      if (buf.length - pos < 2) break;
      len = buf.readUInt16BE(pos); pos += 2;
    } else if (len === 127) {
      if (buf.length - pos < 8) break;
      const big = buf.readBigUInt64BE(pos); pos += 8;
      if (big > 64n * 1024n * 1024n) throw new Error('frame too large');
      len = Number(big);
    }
    let mask = null;
    if (masked) {
      if (buf.length - pos < 4) break;
      mask = buf.subarray(pos, pos + 4); pos += 4;
    }
    if (buf.length - pos < len) break;
    let payload = Buffer.from(buf.subarray(pos, pos + len));
    if (mask) for (let i = 0; i < len; i++) payload[i] ^= mask[i & 3];
    frames.push({ fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, payload });
    off = pos + len;
  }
  return [frames, off === buf.length ? Buffer.alloc(0) : buf.subarray(off)];
}

function frameHeader(opcode, len, masked) {
  const m = masked ? 0x80 : 0;
  if (len < 126) return Buffer.from([0x80 | opcode, m | len]);
  if (len < 65536) { const h = Buffer.alloc(4); h[0] = 0x80 | opcode; h[1] = m | 126; h.writeUInt16BE(len, 2); return h; }
  const h = Buffer.alloc(10); h[0] = 0x80 | opcode; h[1] = m | 127; h.writeBigUInt64BE(BigInt(len), 2); return h;
}

function serverFrame(opcode, payload) {
  return Buffer.concat([frameHeader(opcode, payload.length, false), payload]);
}

// A client frame with a fixed mask key (the key only has to be present, RFC 6455 5.3).
const MASK = Buffer.from([0x12, 0x34, 0x56, 0x78]);
function clientFrame(opcode, payload) {
  const p = Buffer.from(payload);
  for (let i = 0; i < p.length; i++) p[i] ^= MASK[i & 3];
  return Buffer.concat([frameHeader(opcode, p.length, true), MASK, p]);
}

// ---- origin ---------------------------------------------------------------------------------

function origin(a) {
  const wsPort = +a['ws-port'], tcpPort = +a['tcp-port'];
  const server = http.createServer((req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain', 'connection': 'close' });
    res.end('WebSocket only\n');
  });
  server.on('upgrade', (req, socket, head) => {
    const key = req.headers['sec-websocket-key'];
    if (!key || String(req.headers['upgrade']).toLowerCase() !== 'websocket') {
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const accept = crypto.createHash('sha1').update(key + GUID).digest('base64');
    socket.setNoDelay(true);
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
                 'Sec-WebSocket-Accept: ' + accept + '\r\n\r\n');
    let pending = head && head.length ? Buffer.from(head) : Buffer.alloc(0);
    const onData = (d) => {
      pending = pending.length ? Buffer.concat([pending, d]) : d;
      let frames;
      try { [frames, pending] = parseFrames(pending); } catch (e) { socket.destroy(); return; }
      for (const f of frames) {
        if (f.opcode === 0x8) { socket.end(serverFrame(0x8, f.payload.subarray(0, 2))); return; }
        if (f.opcode === 0x9) { socket.write(serverFrame(0xA, f.payload)); continue; }
        if (f.opcode === 0xA) continue;
        socket.write(serverFrame(f.opcode, f.payload)); // echo text, binary, continuation
      }
    };
    socket.on('data', onData);
    socket.on('error', () => {});
    // An upgraded socket is half-open capable (the HTTP server's), and nothing else ends it: when the
    // proxy closes its side, close ours, or every tunnel ever opened stays in CLOSE_WAIT here.
    socket.on('end', () => socket.end());
    if (pending.length) onData(Buffer.alloc(0));
  });
  server.on('clientError', (e, socket) => socket.destroy());
  server.maxConnections = 100000;

  const block = Buffer.alloc(64 * 1024, 'x');
  const source = net.createServer((s) => {
    s.setNoDelay(true);
    s.on('error', () => {});
    s.on('data', () => {});           // discard what the client sends
    let open = true;
    s.on('close', () => { open = false; });
    const pump = () => { while (open && s.write(block)) { /* until the kernel pushes back */ } };
    s.on('drain', pump);
    pump();
  });
  let ready = 0;
  const up = () => { if (++ready === 2) process.stdout.write('READY\n'); };
  server.listen({ host: HOST, port: wsPort, backlog: 4096 }, up);
  source.listen({ host: HOST, port: tcpPort, backlog: 4096 }, up);
  server.on('error', (e) => die('ws origin: ' + e.message));
  source.on('error', (e) => die('tcp origin: ' + e.message));
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
}

// ---- WebSocket client -----------------------------------------------------------------------

// Connects and completes the handshake. Calls cb(err, socket, restAfterHead).
function wsConnect(port, timeoutMs, cb) {
  let done = false;
  const finish = (err, s, rest) => { if (done) return; done = true; clearTimeout(t); cb(err, s, rest); };
  const s = net.connect({ host: HOST, port });
  const t = setTimeout(() => { s.destroy(); finish(new Error('handshake timed out')); }, timeoutMs);
  s.setNoDelay(true);
  const key = crypto.randomBytes(16).toString('base64');
  let acc = Buffer.alloc(0);
  s.on('connect', () => {
    s.write('GET /echo HTTP/1.1\r\nHost: ' + HOST + ':' + port + '\r\nUpgrade: websocket\r\n' +
            'Connection: Upgrade\r\nSec-WebSocket-Key: ' + key + '\r\nSec-WebSocket-Version: 13\r\n\r\n');
  });
  const onData = (d) => {
    acc = Buffer.concat([acc, d]);
    const end = acc.indexOf('\r\n\r\n');
    if (end < 0) { if (acc.length > 16384) { s.destroy(); finish(new Error('response head too large')); } return; }
    s.removeListener('data', onData);
    const head = acc.subarray(0, end).toString('latin1');
    const status = head.split('\r\n')[0];
    if (!/^HTTP\/1\.1 101/.test(status)) { s.destroy(); finish(new Error('handshake answered: ' + status)); return; }
    const want = crypto.createHash('sha1').update(key + GUID).digest('base64');
    const m = /\r\nsec-websocket-accept:\s*(\S+)/i.exec(head);
    if (!m || m[1] !== want) { s.destroy(); finish(new Error('bad Sec-WebSocket-Accept')); return; }
    finish(null, s, acc.subarray(end + 4));
  };
  s.on('data', onData);
  s.on('error', (e) => finish(e));
  s.on('close', () => finish(new Error('closed during handshake')));
}

function wsProbe(a) {
  const port = +a.port;
  const hard = setTimeout(() => die('probe timed out'), 5000);
  wsConnect(port, 4000, (err, s, rest) => {
    if (err) die(err.message);
    const msg = Buffer.from('ferry-bench-probe');
    let acc = rest;
    const check = () => {
      const [frames] = parseFrames(acc);
      if (frames.length) {
        clearTimeout(hard);
        if (frames[0].payload.equals(msg)) { out({ ok: true }); s.destroy(); process.exit(0); }
        die('echo differs');
      }
    };
    s.on('data', (d) => { acc = Buffer.concat([acc, d]); check(); });
    s.on('close', () => die('closed before echo'));
    s.write(clientFrame(0x1, msg));
    check();
  });
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  const i = Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

function wsRtt(a) {
  const port = +a.port, conns = +a.conns, duration = +a.duration, size = +(a.size || 32);
  const payload = Buffer.alloc(size, 'p');
  const frame = clientFrame(0x2, payload);
  const expect = 2 + (size < 126 ? 0 : size < 65536 ? 2 : 8) + size;
  const sockets = [];
  let connected = 0, failed = 0, firstError = null;
  let measuring = false, stopped = false, count = 0, errors = 0;
  let lat = new Float64Array(1 << 16), nlat = 0;
  const { performance } = require('perf_hooks');
  const hard = setTimeout(() => die('ws-rtt did not finish in time'), (duration + 30) * 1000);

  const start = () => {
    if (failed) { die(`${failed} of ${conns} handshakes failed: ${firstError}`); }
    measuring = true;
    const t0 = performance.now();
    for (const st of sockets) { st.sent = performance.now(); st.s.write(frame); }
    setTimeout(() => {
      stopped = true;
      const secs = (performance.now() - t0) / 1000;
      const l = Array.from(lat.subarray(0, nlat)).sort((x, y) => x - y);
      clearTimeout(hard);
      out({ roundtrips: count, seconds: secs, rate: count / secs, errors,
            p50_ms: percentile(l, 50), p99_ms: percentile(l, 99) });
      for (const st of sockets) st.s.destroy();
      process.exit(0);
    }, duration * 1000);
  };

  for (let i = 0; i < conns; i++) {
    wsConnect(port, 10000, (err, s, rest) => {
      if (err) { failed++; firstError = firstError || err.message; if (connected + failed === conns) start(); return; }
      const st = { s, pending: 0, sent: 0 };
      sockets.push(st);
      st.pending = rest.length;
      s.on('data', (d) => {
        if (stopped) return;
        st.pending += d.length;
        while (st.pending >= expect) {      // server frames have a fixed size for a fixed payload
          st.pending -= expect;
          const now = performance.now();
          if (measuring) {
            count++;
            if (nlat === lat.length) { const n = new Float64Array(lat.length * 2); n.set(lat); lat = n; }
            lat[nlat++] = now - st.sent;
          }
          st.sent = now;
          s.write(frame);
        }
      });
      s.on('error', () => { errors++; });
      s.on('close', () => { if (!stopped) errors++; });
      connected++;
      if (connected + failed === conns) start();
    });
  }
}

function wsIdle(a) {
  const port = +a.port, conns = +a.conns, batch = +(a.batch || 100), maxHold = +(a['max-hold'] || 120);
  const sockets = [];
  let started = 0, finished = 0, failed = 0, firstError = null;
  const t0 = Date.now();
  const hard = setTimeout(() => die('ws-idle did not open its tunnels in time'), 120000);
  const next = () => {
    while (started < conns && started - finished < batch) {
      started++;
      wsConnect(port, 20000, (err, s) => {
        finished++;
        if (err) { failed++; firstError = firstError || err.message; }
        else { s.on('error', () => {}); sockets.push(s); }
        if (finished === conns) opened(); else next();
      });
    }
  };
  const opened = () => {
    clearTimeout(hard);
    out({ open: sockets.length, failed, error: firstError, seconds: (Date.now() - t0) / 1000 });
    const close = () => { for (const s of sockets) s.destroy(); out({ closed: sockets.length }); process.exit(0); };
    setTimeout(close, maxHold * 1000);
    process.stdin.on('data', close);
    process.stdin.on('end', close);
  };
  next();
}

// ---- TCP tunnel -----------------------------------------------------------------------------

function tcpProbe(a) {
  const s = net.connect({ host: HOST, port: +a.port });
  const t = setTimeout(() => { s.destroy(); die('no data within 4 s'); }, 4000);
  s.on('data', () => { clearTimeout(t); out({ ok: true }); s.destroy(); process.exit(0); });
  s.on('error', (e) => { clearTimeout(t); die(e.message); });
  s.on('close', () => { clearTimeout(t); die('closed without data'); });
}

function tcpRead(a) {
  const port = +a.port, conns = +a.conns, duration = +a.duration;
  let connected = 0, bytes = 0, measuring = false, errors = 0, stopped = false, firstError = null;
  const sockets = [];
  const hard = setTimeout(() => die('tcp-read did not finish in time'), (duration + 30) * 1000);
  for (let i = 0; i < conns; i++) {
    const s = net.connect({ host: HOST, port });
    sockets.push(s);
    s.on('connect', () => {
      if (++connected < conns) return;
      // all connected: let the streams ramp up for a moment, then measure
      setTimeout(() => {
        measuring = true; bytes = 0;
        const t0 = process.hrtime.bigint();
        setTimeout(() => {
          stopped = true;
          const secs = Number(process.hrtime.bigint() - t0) / 1e9;
          clearTimeout(hard);
          out({ bytes, seconds: secs, mbps: bytes / 1e6 / secs, errors, error: firstError });
          for (const x of sockets) x.destroy();
          process.exit(0);
        }, duration * 1000);
      }, 300);
    });
    s.on('data', (d) => { if (measuring) bytes += d.length; });
    s.on('error', (e) => { errors++; firstError = firstError || e.message; });
    s.on('close', () => { if (!stopped) { errors++; firstError = firstError || 'closed early'; } });
  }
}

const [cmd, ...rest] = process.argv.slice(2);
const args = parseArgs(rest);
({ origin, 'ws-probe': wsProbe, 'ws-rtt': wsRtt, 'ws-idle': wsIdle, 'tcp-probe': tcpProbe,
   'tcp-read': tcpRead }[cmd] || (() => die('unknown command ' + cmd)))(args);
