#!/usr/bin/env node
// A real OpenID Connect provider for Roundtable's tests (panva's `oidc-provider`).
//
//   node tests/support/oidc-provider.mjs --port 0 --client-id X --client-secret Y \
//     --redirect-uri URI --email someone@example.org [--email-verified true|false] \
//     [--sub SUBJECT] [--exit-with-stdin]
//
// Issuer: http://127.0.0.1:<port> (discovery at /.well-known/openid-configuration).
// One confidential client: the given id and secret (client_secret_basic; client_secret_post
// is accepted too), exactly the given redirect URI, response type "code", grant type
// "authorization_code", PKCE (S256) required. Scopes: openid, email.
// One account: sub is --sub or, by default, "user-" + the first 32 hex digits of
// sha256(lowercased email), so it is stable across runs; claims email and email_verified
// (default true) are in both the ID token and userinfo. ID tokens are signed RS256 with an
// RSA key made at start.
//
// Login and consent need no person: the interaction page /interaction/:uid logs the one
// account in, grants "openid email" to the client and redirects straight back, so a browser
// or an HTTP client that follows redirects (keeping cookies) ends at the redirect URI with
// ?code=...&state=...&iss=...
//
// --exit-with-stdin  exits when standard input closes: a test harness that holds the pipe
//                    open makes sure this process never outlives it.
//
// Prints exactly one line to stdout, "LISTENING <port>", once it accepts connections;
// everything else (including oidc-provider's development notices) goes to stderr.

import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

// oidc-provider prints notices with console.info, i.e. to stdout: keep stdout for the
// LISTENING line only.
console.info = console.error;
console.log = console.error;

const { Provider } = await import('oidc-provider');

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string' },
    email: { type: 'string' },
    'email-verified': { type: 'string', default: 'true' },
    sub: { type: 'string' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
  strict: true,
});

function fail(message) {
  console.error(`oidc-provider.mjs: ${message}`);
  process.exit(2);
}

for (const required of ['client-id', 'client-secret', 'redirect-uri', 'email']) {
  if (!values[required]) fail(`--${required} is required`);
}
const port = Number.parseInt(values.port, 10);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail('--port must be 0..65535');
if (!['true', 'false'].includes(values['email-verified'])) fail('--email-verified must be true or false');

const clientId = values['client-id'];
const clientSecret = values['client-secret'];
const redirectUri = values['redirect-uri'];
const email = values.email;
const emailVerified = values['email-verified'] === 'true';
const accountId = values.sub
  ?? `user-${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 32)}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }),
  kid: `test-${randomBytes(6).toString('hex')}`,
  alg: 'RS256',
  use: 'sig',
};

const account = {
  accountId,
  async claims() {
    return { sub: accountId, email, email_verified: emailVerified };
  },
};

const configuration = {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
  ],
  jwks: { keys: [signingKey] },
  scopes: ['openid', 'email'],
  claims: {
    acr: null,
    auth_time: null,
    iss: null,
    sid: null,
    openid: ['sub'],
    email: ['email', 'email_verified'],
  },
  // Put the scope's claims in the ID token too, not only in userinfo.
  conformIdTokenClaims: false,
  responseTypes: ['code'],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  findAccount: async (_ctx, sub) => (sub === accountId ? account : undefined),
  renderError(ctx, out, error) {
    console.error('oidc-provider.mjs: error page:', out, error?.message);
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = `OIDC error: ${out.error}: ${out.error_description ?? ''}\n`;
  },
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 600,
    IdToken: 3600,
    Interaction: 3600,
    Session: 86400,
    Grant: 86400,
  },
};

/** Completes a pending interaction at once: the one account logs in and consents. */
async function finishInteraction(provider, req, res) {
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (err) {
    console.error('oidc-provider.mjs: interaction lookup failed:', err.message);
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`interaction not found (cookies lost?): ${err.message}\n`);
    return;
  }
  const { params, prompt } = details;
  const grant = (details.grantId && (await provider.Grant.find(details.grantId)))
    || new provider.Grant({ accountId, clientId: params.client_id });
  grant.addOIDCScope(params.scope ?? 'openid');
  grant.addOIDCClaims(['email', 'email_verified', ...(prompt.details.missingOIDCClaims ?? [])]);
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

if (values['exit-with-stdin']) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}

const server = createServer();
let listening = false;
server.on('error', (err) => {
  console.error('oidc-provider.mjs:', err.message);
  if (!listening) process.exit(1); // e.g. the port is taken
});

server.listen(port, '127.0.0.1', () => {
  listening = true;
  const boundPort = server.address().port;
  const provider = new Provider(`http://127.0.0.1:${boundPort}`, configuration);
  provider.on('server_error', (_ctx, err) => console.error('oidc-provider.mjs: server_error:', err));
  const handle = provider.callback();
  server.on('request', (req, res) => {
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    if (req.method === 'GET' && /^\/interaction\/[^/]+$/.test(pathname)) {
      finishInteraction(provider, req, res).catch((err) => {
        console.error('oidc-provider.mjs: interaction failed:', err);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`interaction failed: ${err.message}\n`);
      });
      return;
    }
    handle(req, res);
  });
  console.error(`oidc-provider.mjs: issuer http://127.0.0.1:${boundPort}, client ${clientId}, `
    + `account ${accountId} <${email}> (email_verified ${emailVerified})`);
  process.stdout.write(`LISTENING ${boundPort}\n`);
});
