#!/usr/bin/env node
// A real SMTP peer for Roundtable's tests (nodemailer's `smtp-server`).
//
//   node tests/support/smtp-server.mjs --port 0 --dir <folder> [--fail-first N] [--exit-with-stdin]
//
// Listens on 127.0.0.1 with plain SMTP (no STARTTLS; AUTH is optional and any credentials
// are accepted). Each accepted message is written to <dir>/<unix-ms>-<counter>.eml as the
// raw RFC 5322 text, with its envelope in <dir>/<unix-ms>-<counter>.json:
//   {"mail_from": "...", "rcpt_to": ["..."], "auth_user": "..." | null}
// The .json is renamed into place before the .eml, and both are written to a dot-prefixed
// temporary name first, so a reader that sees an .eml never sees half a file and always
// finds its envelope.
//
// --fail-first N  answers the first N DATA transactions with "451 4.3.0" (a temporary
//                 failure), for testing retries.
// --exit-with-stdin  exits when standard input closes: a test harness that holds the pipe
//                 open makes sure this process never outlives it.
//
// Prints exactly one line to stdout, "LISTENING <port>", once it accepts connections;
// everything else goes to stderr.

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SMTPServer } from 'smtp-server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    dir: { type: 'string' },
    'fail-first': { type: 'string', default: '0' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
  strict: true,
});

if (!values.dir) {
  console.error('smtp-server.mjs: --dir <folder> is required');
  process.exit(2);
}
const dir = values.dir;
const port = Number.parseInt(values.port, 10);
const failFirst = Number.parseInt(values['fail-first'], 10);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(failFirst) || failFirst < 0) {
  console.error('smtp-server.mjs: --port and --fail-first must be non-negative integers');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });

let transactions = 0; // DATA transactions seen, accepted or not
let stored = 0; // messages written

function writeAtomically(name, contents) {
  const tmp = join(dir, `.${name}.tmp`);
  writeFileSync(tmp, contents);
  renameSync(tmp, join(dir, name));
}

const server = new SMTPServer({
  secure: false,
  disabledCommands: ['STARTTLS'],
  authOptional: true,
  allowInsecureAuth: true,
  banner: 'Roundtable test SMTP peer',
  logger: false,
  onAuth(auth, _session, callback) {
    callback(null, { user: auth.username ?? 'anonymous' });
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('error', callback);
    stream.on('end', () => {
      transactions += 1;
      if (transactions <= failFirst) {
        console.error(`smtp-server.mjs: rejecting DATA transaction ${transactions} of the first ${failFirst} with 451`);
        const err = new Error('Temporary failure, try again later (--fail-first)');
        err.responseCode = 451;
        callback(err);
        return;
      }
      stored += 1;
      const base = `${Date.now()}-${String(stored).padStart(6, '0')}`;
      const envelope = {
        mail_from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        rcpt_to: session.envelope.rcptTo.map((r) => r.address),
        auth_user: session.user ?? null,
      };
      try {
        writeAtomically(`${base}.json`, `${JSON.stringify(envelope)}\n`);
        writeAtomically(`${base}.eml`, Buffer.concat(chunks));
      } catch (err) {
        console.error('smtp-server.mjs: could not store a message:', err);
        callback(err);
        return;
      }
      console.error(`smtp-server.mjs: stored ${base}.eml for ${envelope.rcpt_to.join(', ')}`);
      callback(null, `Stored as ${base}`);
    });
  },
});

let listening = false;
server.on('error', (err) => {
  console.error('smtp-server.mjs:', err.message);
  if (!listening) process.exit(1); // e.g. the port is taken
});

if (values['exit-with-stdin']) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}

server.listen(port, '127.0.0.1', () => {
  listening = true;
  const bound = server.server.address().port;
  console.error(`smtp-server.mjs: listening on 127.0.0.1:${bound}, storing mail in ${dir}`
    + (failFirst ? `, failing the first ${failFirst} DATA transaction(s) with 451` : ''));
  process.stdout.write(`LISTENING ${bound}\n`);
});
