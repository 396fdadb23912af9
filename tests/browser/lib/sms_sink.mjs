// A local SMS/push gateway speaking the JSON contract of
// crates/channels/src/gateway.rs: POST {to, title, text, channel}, answered
// 200 {"id": …}. Prints its port, then one JSON line per message received.
// scripts/browser-test.sh stops it by its pid.
import { createServer } from 'node:http';

let n = 0;
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    try {
      const m = JSON.parse(body);
      process.stdout.write(`${JSON.stringify({ path: req.url, ...m })}\n`);
      n += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `sms-${n}` }));
    } catch {
      res.writeHead(400);
      res.end();
    }
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
