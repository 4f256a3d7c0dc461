// The loopback ceiling for bench/run_ws.sh: a Node `ws` server that answers every
// {"type":"say","text":…} with one reply frame in reframe's shape, echoing the text.
// It parses and writes JSON like reframe does, and nothing else: no engine, no storage.
// usage: node ws_echo.js PORT [drop=N|dup=N]   (prints "listening PORT" when ready)
// drop=N leaves every Nth say unanswered and dup=N answers it twice: they check that
// ws_load notices lost and duplicate replies.
'use strict';
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] || 0);
const [fault, every] = (process.argv[3] || 'none=0').split('=');
let says = 0;
const server = new WebSocketServer({ host: '127.0.0.1', port, maxPayload: 20 * 1024 });

server.on('connection', (socket) => {
  socket.on('message', (data, is_binary) => {
    let frame = null;
    try {
      frame = is_binary ? null : JSON.parse(data.toString('utf8'));
    } catch (e) {
      frame = null;
    }
    if (!frame || frame.type !== 'say' || typeof frame.text !== 'string') {
      socket.send(JSON.stringify({ type: 'error', code: 'bad_frame', message: 'not a say' }));
      return;
    }
    const reply = JSON.stringify({
      type: 'reply',
      messages: [{ text: frame.text, pause_ms: 0 }],
      options: [],
      state: 'echo.echo',
      safety: null,
    });
    says += 1;
    const faulty = Number(every) > 0 && says % Number(every) === 0;
    if (faulty && fault === 'drop') return;
    socket.send(reply);
    if (faulty && fault === 'dup') socket.send(reply);
  });
  socket.on('error', () => {});
});

server.on('listening', () => console.log('listening ' + server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
